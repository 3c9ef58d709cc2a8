import type { Hono } from 'hono';
import type { Principal } from './auth.js';

export interface AppEnv {
  Variables: {
    principal: Principal | null;
    requestId: string;
    /** The route pattern that answered, set by the route table. */
    route: string;
    /** Aborts when the request's deadline passes. */
    deadline: AbortSignal;
  };
}

export type App = Hono<AppEnv>;
