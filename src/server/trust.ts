// Workspace Trust in the server: workspace `.aiot/devices` profiles are loaded only once the client says trusted.

import type { Connection } from 'vscode-languageserver/node';
import { TrustNotification } from '../protocol';

let granted = false;
let initially: () => boolean = () => false;

/** The folder whose device profiles may be loaded: none while the workspace is untrusted. */
export function profileDir(workspaceDir: string | undefined): string | undefined {
  return granted || initially() ? workspaceDir : undefined;
}

/** Initial state comes from initializationOptions.trusted (read lazily: registration precedes initialize); VS Code
 * only ever grants trust later (revoking it reloads the window). */
export function registerTrust(connection: Connection, initiallyTrusted: () => boolean): void {
  initially = initiallyTrusted;
  connection.onNotification(TrustNotification, () => {
    granted = true;
  });
}
