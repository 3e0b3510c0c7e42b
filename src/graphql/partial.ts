/**
 * Reporting what the domain returned as partial failures (a connection down while the others answered):
 * each one becomes an error at the field's full response path, beside the data (plugins/partialErrors.ts).
 * Every resolver reports them through here, so they all carry the same path.
 */
import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import type { PartialResult } from '../domain/fanOut';
import type { GatewayContext } from './context';

/** Reports `result`'s failures at `info`'s response path and answers its value. */
export function answerPartially<T>(ctx: GatewayContext, info: GraphQLResolveInfo, result: PartialResult<T>): T {
  const path = responsePathAsArray(info.path);
  for (const f of result.failures) ctx.partialErrors.push({ error: f.error, path });
  return result.value;
}
