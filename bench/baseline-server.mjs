// The baseline the benchmark compares IMSystem against: a bare Node `ws`
// server that broadcasts every text frame it receives to every connected
// client (the sender included), stores nothing and checks nothing.
// Run standalone: node bench/baseline-server.mjs [--port 8790] [--deflate]
// It prints one line `listening <port>` on stdout once ready.
import { WebSocketServer } from "ws";

const args = process.argv.slice(2);
const portArg = args.indexOf("--port");
const port = portArg >= 0 ? Number(args[portArg + 1]) : 8790;
const deflate = args.includes("--deflate");

const wss = new WebSocketServer({ host: "127.0.0.1", port, perMessageDeflate: deflate });

wss.on("connection", (socket) => {
  socket.on("message", (data, isBinary) => {
    if (isBinary) return;
    // ws hands us a Buffer; sending the same Buffer to every client avoids
    // a copy per receiver, which is the cheapest broadcast ws can do.
    for (const client of wss.clients) {
      if (client.readyState === client.OPEN) client.send(data, { binary: false });
    }
  });
  socket.on("error", () => socket.terminate());
});

wss.on("listening", () => {
  const address = wss.address();
  process.stdout.write(`listening ${typeof address === "object" && address ? address.port : port}\n`);
});

// The bench stops this process with SIGTERM; close sockets so clients see a clean end.
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.once(signal, () => {
    for (const client of wss.clients) client.terminate();
    wss.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  });
}
