/**
 * The introspection exemption of the query limits (issue 12 item 2): `__schema` and `__type` are left out
 * of every measure only when the server serves introspection; otherwise they are measured like any field.
 */
import { getIntrospectionQuery, parse, type OperationDefinitionNode } from 'graphql';
import { measureOperation } from '../../src/graphql/plugins/queryLimits';

const measure = (query: string, ignoreIntrospection: boolean) => {
  const doc = parse(query);
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  const { depth, aliases, cost, fields } = measureOperation(doc, op, {}, new Set(), ignoreIntrospection);
  return { depth, aliases, cost, fields };
};

describe('query limits and introspection', () => {
  it.each([
    ['the standard introspection query, introspection off: measured', getIntrospectionQuery(), false, { depth: 14, aliases: 0, cost: 71, fields: 67 }],
    ['the standard introspection query, introspection on: exempt', getIntrospectionQuery(), true, { depth: 0, aliases: 0, cost: 0, fields: 0 }],
    ['__type, introspection on: exempt', '{ __type(name: "Agent") { fields { name } } }', true, { depth: 0, aliases: 0, cost: 0, fields: 0 }],
    ['__typename is a field like any other', '{ __typename t: __typename }', true, { depth: 0, aliases: 1, cost: 0, fields: 2 }],
    ['the rest of the operation is measured', '{ __schema { types { name } } connections { id } }', true, { depth: 1, aliases: 0, cost: 1, fields: 2 }],
  ])('%s', (_title, query, ignore, expected) => {
    expect(measure(query, ignore)).toEqual(expected);
  });
});
