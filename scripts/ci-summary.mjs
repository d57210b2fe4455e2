// Sums vitest JSON reports (and extra named checks) into the plain closing
// line CI reads: `N passed, N failed`. A missing or unreadable report counts
// as one failure, so a crashed runner can never look green.
//   node scripts/ci-summary.mjs report.json... [--check name=exitcode]...
import { existsSync, readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === "--check") {
    const [name, code] = args[++i].split("=");
    if (code === "0") passed += 1;
    else {
      failed += 1;
      console.log(`check failed: ${name} (exit ${code})`);
    }
    continue;
  }
  if (!existsSync(arg)) {
    console.log(`missing report: ${arg}`);
    failed += 1;
    continue;
  }
  try {
    const r = JSON.parse(readFileSync(arg, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    // A file that failed to load has no test results but a failed suite.
    for (const file of r.testResults ?? []) {
      if (file.status === "failed" && (file.assertionResults ?? []).length === 0) {
        console.log(`suite failed to run: ${file.name}: ${String(file.message).slice(0, 300)}`);
        failed += 1;
      }
    }
    if (r.numTotalTests === 0) {
      console.log(`no tests ran in ${arg}`);
      failed += 1;
    }
  } catch (e) {
    console.log(`unreadable report ${arg}: ${e.message}`);
    failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
