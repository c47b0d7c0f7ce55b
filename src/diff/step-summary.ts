/** One-line descriptions of scenario steps for reports. */

import { countOf } from '../util/plural.js';
import type { ScenarioRequest, ScenarioStep } from './scenario/types.js';

export function describeStep(step: ScenarioStep): string {
  switch (step.kind) {
    case 'request':
      return describeRequest(step.request);
    case 'streams':
      return `${step.client}/${step.connection}: ${countOf(step.requests.length, 'concurrent stream')}`;
    case 'reconnect':
      return `${step.client}/${step.connection}: new connection`;
    case 'wait':
      return `wait ${step.ms} ms`;
    case 'backend': {
      const change = step.change;
      if (change.action === 'status') return `backend ${step.backend}: status ${change.status}`;
      if (change.action === 'delay') return `backend ${step.backend}: delay ${change.delayMs} ms`;
      return `backend ${step.backend}: ${change.action}`;
    }
    case 'set-cookie':
      return `${step.client}: jar stores "${step.cookie}"`;
    case 'clear-cookies':
      return `${step.client}: jar cleared`;
  }
}

export function describeRequest(request: ScenarioRequest): string {
  const cookie = request.headers.cookie !== undefined ? ` (cookie "${request.headers.cookie}")` : '';
  return `${request.client}/${request.connection}: ${request.method} ${request.path}${cookie}`;
}
