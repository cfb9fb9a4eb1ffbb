/**
 * Why a jq program was not parsed: `syntax` where jq itself would reject it, `unsupported` for jq
 * that is valid but outside the grammar parsed here (variables, definitions, `reduce`…). Either way
 * the consumers leave the program to jq as it is.
 */
export class JqSyntaxProblem extends Error {
  constructor(
    readonly kind: 'syntax' | 'unsupported',
    /** Offset in the source. */
    readonly at: number,
    message: string,
  ) {
    super(message);
    this.name = 'JqSyntaxProblem';
  }
}
