// A Vite plugin that prints the gzipped size of the initial JavaScript (the
// entry chunk plus every chunk it imports statically, i.e. what the browser
// must fetch before the first render) and fails the build over the budget.
import { gzipSync } from "node:zlib";
import type { Plugin } from "vite";

interface ChunkLike {
  type: "chunk";
  isEntry: boolean;
  imports: string[];
  code: string;
  fileName: string;
}

const isChunk = (x: unknown): x is ChunkLike =>
  typeof x === "object" && x !== null && "type" in x && x.type === "chunk";

export function bundleBudget(limitBytes: number): Plugin {
  return {
    name: "imsys:bundle-budget",
    apply: "build",
    generateBundle(_options, bundle) {
      const chunks = new Map<string, ChunkLike>();
      for (const [name, item] of Object.entries(bundle)) if (isChunk(item)) chunks.set(name, item);
      const entries = [...chunks.values()].filter((c) => c.isEntry);
      if (entries.length === 0) return;
      const initial = new Set<string>();
      const visit = (name: string) => {
        if (initial.has(name)) return;
        const chunk = chunks.get(name);
        if (!chunk) return;
        initial.add(name);
        for (const dep of chunk.imports) visit(dep);
      };
      for (const e of entries) visit(e.fileName);
      let total = 0;
      for (const name of initial) {
        const size = gzipSync((chunks.get(name) as ChunkLike).code, { level: 9 }).length;
        total += size;
        this.info(`initial: ${name} ${(size / 1024).toFixed(1)} KB gzipped`);
      }
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
      // console.log, not this.info: the line must show with any log level.
      console.log(`\nInitial JS (entry + static imports, gzipped): ${kb(total)} of ${kb(limitBytes)} budget`);
      if (total > limitBytes) this.error(`Initial JS is ${kb(total)} gzipped, over the ${kb(limitBytes)} budget.`);
    },
  };
}
