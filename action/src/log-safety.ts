/**
 * The runner reads a line of step output as a workflow command when it starts with `::` after
 * leading whitespace, or carries the legacy `##[` marker. Plain log text can hold names and values
 * from Azure DevOps or a mapping, and none of it may turn into a command (`::add-mask::`,
 * `::stop-commands::`, a forged `::error::`), so a zero-width space breaks the marker: the log
 * reads the same to a person. Annotation messages need none of this: @actions/core escapes their
 * line breaks, so their text never starts a line.
 */
export function neutralizeCommands(text: string): string {
  return text.replace(/^(?=[ \t]*::)/gm, '\u200B').replace(/##\[/g, '#\u200B#[');
}
