// Which URLs this Worker may fetch on a user's say-so (push endpoints, link
// previews): only names on the public internet, never a host inside some
// network. Without DNS answers to look at, the checks are about the name: every
// IP literal and every private-network name is refused.

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Names that resolve only inside some network: RFC 6761 localhost, RFC 6762
 * .local (mDNS), RFC 8375 home.arpa, ICANN's reserved .internal, and the
 * private suffixes routers and companies hand out.
 */
const PRIVATE_SUFFIXES = ["localhost", "local", "internal", "home.arpa", "lan", "intranet", "corp", "home", "private"];

/**
 * The URL parser writes every IPv4 form (decimal, hex, short) as a dotted
 * quad and every IPv6 one in brackets, so these two tests see them all.
 */
const isIpLiteral = (host: string) => host.startsWith("[") || /^\d+\.\d+\.\d+\.\d+$/.test(host);

/**
 * Why `url` is not a public https URL, or null when it is. Plain http to the
 * loopback passes only with `allowInsecureLoopback` (a test-only switch: the
 * tests' own fake servers listen there).
 */
export function publicUrlProblem(url: URL, allowInsecureLoopback: boolean): string | null {
  if (url.username || url.password) return "must not carry credentials";
  if (url.protocol === "http:" && allowInsecureLoopback && LOOPBACK_HOSTS.has(url.hostname)) return null;
  if (url.protocol !== "https:") return "must be an https URL";
  // Every trailing dot: "localhost.." must not pass as a public name.
  const host = url.hostname.toLowerCase().replace(/\.+$/, "");
  if (isIpLiteral(host)) return "must name a host, not an IP address";
  const internal = PRIVATE_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`));
  if (!host.includes(".") || internal) return "must be a public host";
  return null;
}
