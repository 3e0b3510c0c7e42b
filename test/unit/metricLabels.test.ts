/** The bounded operation label (src/metricLabels.ts): issue 11 item 4. */
import { createOperationLabeler } from '../../src/metricLabels';
import { truncateOperationName } from '../../src/graphql/plugins/requestLog';

describe('one name, on a fresh labeler', () => {
  const name64 = `A${'b'.repeat(63)}`;
  it.each<[string, string | null | undefined, string]>([
    ['a plain name is kept', 'AgentsBoard', 'AgentsBoard'],
    ['underscores and digits after the first character', '_q1_Agents_2', '_q1_Agents_2'],
    ['exactly 64 characters is kept', name64, name64],
    ['65 characters is other', `${name64}c`, 'other'],
    ['a 100 KB name is other', 'A'.repeat(100 * 1024), 'other'],
    ['a leading digit is other', '1Agents', 'other'],
    ['a hyphen is other', 'agents-board', 'other'],
    ['a space is other', 'Agents Board', 'other'],
    ['a newline is other', 'Agents\nBoard', 'other'],
    ['non-ASCII letters are other', 'Agentsé', 'other'],
    ['a quote is other', 'a"b', 'other'],
    ['the empty string is other', '', 'other'],
    ['null is anonymous', null, 'anonymous'],
    ['undefined is anonymous', undefined, 'anonymous'],
    ['a client name "other" is other', 'other', 'other'],
    ['a client name "anonymous" is other (it has a name)', 'anonymous', 'other'],
  ])('%s', (_title, name, expected) => {
    expect(createOperationLabeler()('acme', name)).toBe(expected);
  });
});

describe('the per-tenant cap', () => {
  it('keeps the first 100 distinct names of a tenant; the 101st new name is other', () => {
    const label = createOperationLabeler();
    for (let i = 0; i < 100; i++) expect(label('acme', `Op${i}`)).toBe(`Op${i}`);
    expect(label('acme', 'Op100')).toBe('other');
    expect(label('acme', 'Late')).toBe('other');
  });

  it('a name already kept stays kept after the cap is reached', () => {
    const label = createOperationLabeler({ maxPerTenant: 2 });
    expect([label('acme', 'A'), label('acme', 'B'), label('acme', 'C'), label('acme', 'A'), label('acme', 'B')]).toEqual(['A', 'B', 'other', 'A', 'B']);
  });

  it('two tenants have separate caps: one filling its own does not push the other to other', () => {
    const label = createOperationLabeler({ maxPerTenant: 2 });
    expect([label('acme', 'A'), label('acme', 'B'), label('acme', 'C')]).toEqual(['A', 'B', 'other']);
    expect([label('globex', 'C'), label('globex', 'D'), label('globex', 'E')]).toEqual(['C', 'D', 'other']);
    // the same name counts separately per tenant
    expect([label('globex', 'A'), label('acme', 'A')]).toEqual(['other', 'A']);
  });

  it('names that are other, anonymous or refused take no slot', () => {
    const label = createOperationLabeler({ maxPerTenant: 1 });
    expect([label('acme', null), label('acme', 'x'.repeat(65)), label('acme', '1bad'), label('acme', 'other'), label('acme', 'Kept')]).toEqual(['anonymous', 'other', 'other', 'other', 'Kept']);
  });

  it('300 distinct valid names give at most 102 values per tenant', () => {
    const label = createOperationLabeler();
    const values = new Set<string>();
    for (let i = 0; i < 300; i++) values.add(label('acme', `Op_${i}`));
    values.add(label('acme', null));
    expect(values.size).toBe(102);
    expect(values.has('other') && values.has('anonymous')).toBe(true);
  });

  it('maxLength is an option', () => {
    const label = createOperationLabeler({ maxLength: 3 });
    expect([label('acme', 'abc'), label('acme', 'abcd')]).toEqual(['abc', 'other']);
  });

  it('refuses bad options with the contract and the value', () => {
    expect(() => createOperationLabeler({ maxPerTenant: -1 })).toThrow('expected opts.maxPerTenant to be an integer >= 0, got -1');
    expect(() => createOperationLabeler({ maxPerTenant: 1.5 })).toThrow('expected opts.maxPerTenant to be an integer >= 0, got 1.5');
    expect(() => createOperationLabeler({ maxLength: 0 })).toThrow('expected opts.maxLength to be an integer >= 1, got 0');
  });
});

describe('the operation name in the log line', () => {
  it.each<[string, string, string]>([
    ['a short name is unchanged', 'AgentsBoard', 'AgentsBoard'],
    ['64 characters is unchanged', 'a'.repeat(64), 'a'.repeat(64)],
    ['65 characters is cut to 64 and marked', 'a'.repeat(65), `${'a'.repeat(64)}…`],
    ['100 KB is cut to 64 and marked', 'b'.repeat(100 * 1024), `${'b'.repeat(64)}…`],
  ])('%s', (_title, name, expected) => {
    expect(truncateOperationName(name, 64)).toBe(expected);
  });
});
