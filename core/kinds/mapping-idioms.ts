/**
 * jq for the built-in mappings, where the same rule serves several kinds.
 *
 * A .NET DateTime.MinValue (`0001-01-01T00:00:00`, no zone) stands for "never" in several Azure
 * DevOps answers (a user who never signed in; a release deployment's queue time, release
 * 7.1 httpExamples/deployments): Port refuses it in a date-time property, so it becomes null.
 */
export function dateOrNull(path: string): string {
  return `if (${path} // "0001") | startswith("0001") then null else ${path} end`;
}
