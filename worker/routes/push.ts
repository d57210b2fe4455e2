import { Hono } from "hono";
import type { AppEnv } from "../http/env";

export const push = new Hono<AppEnv>();
