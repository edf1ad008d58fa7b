import { GraphQLError, getNamedType, getNullableType, isListType, type ASTVisitor, type ValidationContext } from 'graphql';

/**
 * Refuses queries whose estimated cost exceeds `maxCost`: each field costs 1, and everything under
 * a list field counts `listFactor` times (a list of offers of trips of routes … grows fast).
 */
export function costLimitRule(maxCost: number, listFactor = 10) {
  return (context: ValidationContext): ASTVisitor => {
    let cost = 0;
    const multipliers: number[] = [1];
    return {
      Field: {
        enter() {
          const fieldDef = context.getFieldDef();
          const current = multipliers[multipliers.length - 1];
          cost += current;
          const type = fieldDef ? getNullableType(fieldDef.type) : null;
          multipliers.push(type && isListType(type) && getNamedType(type) ? current * listFactor : current);
        },
        leave() {
          multipliers.pop();
        },
      },
      OperationDefinition: {
        leave(node) {
          if (cost > maxCost) {
            context.reportError(
              new GraphQLError(`Query cost ${cost} exceeds the limit of ${maxCost}`, { nodes: [node], extensions: { code: 'QUERY_TOO_COMPLEX', cost, maxCost } }),
            );
          }
          cost = 0;
        },
      },
    };
  };
}
