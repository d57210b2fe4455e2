import { Hono } from "hono";
import type { AppEnv } from "../http/env";

export const users = new Hono<AppEnv>();
