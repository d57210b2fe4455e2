import { Hono } from "hono";
import type { AppEnv } from "../http/env";

export const friends = new Hono<AppEnv>();
