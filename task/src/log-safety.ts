/**
 * The agent acts on `##vso[` anywhere in a line of output. Text that comes from Azure DevOps or a
 * mapping (a project or repository name) must never become a logging command, so the marker is
 * broken with a zero-width space wherever it appears in plain output.
 */
export function neutralizeCommands(text: string): string {
  return text.replace(/##(vso)?\[/gi, '#\u200B#$1[');
}
