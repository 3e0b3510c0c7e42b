/**
 * Not public API. What each vendor's simulator received of CSV lead imports (issue 18), as phone numbers in the order
 * they arrived: the proof that a row was sent exactly once. From the simulators' own records of the wire: the campaign
 * API's add-lead requests (its request log, bodies as sent), the Apps API's import job files and Ameyo's contact upload
 * tasks (every row's phone1).
 */
import type { Simulators } from '../../sim';

export type ImportingSimulator = 'ameyo' | 'appsApi' | 'campaignApi';

const ADD_LEAD = /^\/api\/v2\/config\/campaigns\/[^/]+\/lead$/;

export function leadImportsReceived(sims: Simulators, sim: ImportingSimulator): string[] {
  switch (sim) {
    case 'campaignApi':
      return sims.campaignApi.requests.filter((r) => (r.method === 'PUT' || r.method === 'POST') && ADD_LEAD.test(r.path)).map((r) => String((JSON.parse(r.body) as { number: unknown }).number));
    case 'appsApi':
      return sims.appsApi.state.contactImportJobs.flatMap((j) => j.rows.map((row) => String((row as { phone_number?: unknown }).phone_number)));
    case 'ameyo':
      return sims.ameyo.state.uploadTasks.flatMap((t) => t.phones);
  }
}
