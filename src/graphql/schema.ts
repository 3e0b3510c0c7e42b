/** Builds the executable schema from schema/*.graphql and the resolvers of each area. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { applyAuthorization } from './authorization';
import { activityResolvers } from './resolvers/activity';
import { agentResolvers } from './resolvers/agents';
import { contactUploadResolvers } from './resolvers/contactUploads';
import { dialingResolvers } from './resolvers/dialing';
import { presenceResolvers } from './resolvers/presence';
import { recordingResolvers } from './resolvers/recordings';
import { callResolvers } from './resolvers/calls';
import { chatResolvers } from './resolvers/chats';
import { campaignResolvers } from './resolvers/campaigns';
import { contactResolvers } from './resolvers/contacts';
import { queueResolvers } from './resolvers/queues';
import { uploadResolvers } from './resolvers/uploads';
import { baseResolvers } from './resolvers/base';
import { queueSettingsResolvers } from './resolvers/queueSettings';
import { contactListResolvers } from './resolvers/contactLists';
import { liveResolvers } from './resolvers/live';
import { leadImportResolvers } from './resolvers/leadImports';

/** schema/ sits at the repository root, two levels above both src/graphql and dist/src/graphql. */
export const SCHEMA_DIR = path.resolve(__dirname, __dirname.includes(`${path.sep}dist${path.sep}`) ? '../../../schema' : '../../schema');

export function loadTypeDefs(dir = SCHEMA_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => readFileSync(path.join(dir, f), 'utf8'));
}

/** The schema with its resolvers, every `@requiresRole` field guarded (src/graphql/authorization.ts). */
export function buildSchema(): GraphQLSchema {
  const schema = makeExecutableSchema({
    typeDefs: loadTypeDefs(),
    resolvers: [
      baseResolvers,
      agentResolvers,
      callResolvers,
      campaignResolvers,
      queueResolvers,
      contactResolvers,
      uploadResolvers,
      activityResolvers,
      contactUploadResolvers,
      presenceResolvers,
      dialingResolvers,
      recordingResolvers,
      chatResolvers,
      queueSettingsResolvers,
      contactListResolvers,
      liveResolvers,
      leadImportResolvers,
    ] as never,
    inheritResolversFromInterfaces: true,
  });
  return applyAuthorization(schema);
}
