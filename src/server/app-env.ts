import type { Hono } from 'hono';
import type { Principal } from './auth.js';

export interface AppEnv {
  Variables: {
    principal: Principal | null;
    requestId: string;
    /** The route pattern that answered, set by the route table. */
    route: string;
    /** Reads as aborted once the request's deadline has passed. */
    deadline: { readonly aborted: boolean };
  };
}

export type App = Hono<AppEnv>;
