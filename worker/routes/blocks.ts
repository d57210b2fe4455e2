import { Hono } from "hono";
import type { AppEnv } from "../http/env";

export const blocks = new Hono<AppEnv>();
