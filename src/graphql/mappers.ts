/** The domain objects that schema types resolve from (codegen.yml `mappers`). */
import type { Agent, VendorAdapter } from '../domain/types';
import type { Page } from './pagination';

export type AgentModel = Agent;
export type ConnectionModel = VendorAdapter;
export type AgentPageModel = Page<Agent>;
