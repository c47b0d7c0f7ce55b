import type { RuleCases } from './cases.js';

const sticky = 'http {\n  upstream u {\n    server 10.0.0.1 route=a;\n    server 10.0.0.2 drain;\n    sticky cookie srv;\n  }\n}\n';

export const cases: RuleCases = {
  fire: [
    { name: 'sticky and parameters on 1.26', config: sticky, version: '1.26.3', findings: [[3, 5], [4, 5], [5, 5]] },
    { name: 'sticky on 1.29.5', config: 'http {\n  upstream u {\n    server 10.0.0.1;\n    sticky cookie srv;\n  }\n}\n', version: '1.29.5', findings: [[4, 5]] },
  ],
  silent: [
    { name: 'sticky on 1.29.6', config: sticky, version: '1.29.6' },
    { name: 'sticky on Plus', config: sticky, version: '1.22.1', edition: 'plus' },
    { name: 'no sticky on 1.22', config: 'http {\n  upstream u {\n    server 10.0.0.1;\n  }\n}\n', version: '1.22.1' },
  ],
};
