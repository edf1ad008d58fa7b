declare module 'graphql-depth-limit' {
  import type { ValidationRule } from 'graphql';
  /** Refuses operations nested deeper than `maxDepth`. */
  export default function depthLimit(maxDepth: number, options?: { ignore?: Array<string | RegExp> }): ValidationRule;
}
