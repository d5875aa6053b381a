// Shared setup of a spec file: one server and one browser for the file, a fresh context per test.
import { before, after } from 'node:test';
import { startServer } from './server.mjs';
import { launch } from './browser.mjs';
import { StrataPage } from './strata_page.mjs';

export function useStrata({ viewport = { width: 1280, height: 900 } } = {}) {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startServer();
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  /** A new browser context with the Strata page opened and its worker ready. */
  env.open = async ({ ready = true } = {}) => {
    const context = await env.browser.newContext({ viewport });
    const page = await context.newPage();
    const strata = new StrataPage(page, env.server.url);
    if (ready) await strata.open();
    return { context, page, strata };
  };
  return env;
}
