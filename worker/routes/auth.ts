import { Hono } from "hono";
import type { AppEnv } from "../http/env";

export const auth = new Hono<AppEnv>();
