/**
 * The HTML of the status page and its login form. The page shell is a static file from the build;
 * the only per-request part is the boot data (what the viewer may do), embedded as JSON.
 */
export interface BootData {
  /** Whether this viewer's credential allows writes (shows the incident forms). */
  readonly canWrite: boolean;
  /** Whether the viewer is signed in with the login cookie (shows "sign out"). */
  readonly signedIn: boolean;
  /** Whether the page is readable without a token (shows "sign in" for writes). */
  readonly readPublic: boolean;
  /** Demo mode: show the break/heal controls. */
  readonly demo: boolean;
  readonly intervalMs: number;
  /** A replica of a cluster: show the cluster line. */
  readonly cluster?: boolean;
}

/** JSON safe inside a <script> element: no "</script>", no HTML comment openers. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export const BOOT_MARKER = '<!--boot-->';

export function renderPage(shell: string, boot: BootData): string {
  if (!shell.includes(BOOT_MARKER)) throw new Error('status page shell has no boot marker');
  return shell.replace(BOOT_MARKER, `<script id="boot" type="application/json">${scriptJson(boot)}</script>`);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The sign-in page; `error` is a fixed message from the server, never user input echoed back. */
export function renderLogin(opts: { error?: string; next?: string } = {}): string {
  const error = opts.error ? `<p class="error" role="alert">${escapeHtml(opts.error)}</p>` : '';
  return `<!doctype html>
<html lang="en" data-theme="dark"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign in · statusgraph</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="static/app.css">
</head><body class="login">
<main class="card login-card">
<h1>statusgraph</h1>
<p>This status page is internal. Sign in with an API token.</p>
${error}
<form method="post" action="login">
<label for="token">Token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button>
</form>
</main>
</body></html>
`;
}
