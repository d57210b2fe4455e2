import { MemoryLogStore } from "./memory-store";
import { logStoreContract } from "./store.contract";

logStoreContract("in memory", async (fn) => fn(new MemoryLogStore()));
