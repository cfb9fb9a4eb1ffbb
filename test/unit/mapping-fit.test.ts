import { describe, expect, it } from 'vitest';
import { parsePortAppConfigYaml } from '../../core/mapping/app-config';
import { describeMisfits, misfitKeys } from '../../core/sync/mapping-fit';

const YAML = `resources:
  - kind: repository
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          identifier: .id
          blueprint: '"azureDevopsRepository"'
          properties:
            url: .remoteUrl
            codeowners: .codeowners
          relations:
            project: .project.id
            owner: .owner
  - kind: work-item
    selector:
      query: 'true'
    port:
      entity:
        mappings:
          - identifier: .id | tostring
            blueprint: .fields."System.WorkItemType"
            properties:
              anything: .x
          - identifier: .id | tostring
            blueprint: '"notInPort"'
            properties:
              anything: .x
`;

describe('misfitKeys', () => {
  const config = parsePortAppConfigYaml(YAML, 'mapping.yml');
  const keysOf = (blueprint: string) => (blueprint === 'azureDevopsRepository' ? { properties: ['url'], relations: ['project'] } : undefined);

  it('names each mapped property and relation the blueprint lacks, with its path and line', () => {
    const misfits = misfitKeys(config.resources, keysOf);
    expect(misfits).toEqual([
      { blueprint: 'azureDevopsRepository', key: 'codeowners', field: 'properties', path: 'resources[0].port.entity.mappings.properties.codeowners', file: 'mapping.yml', line: 12 },
      { blueprint: 'azureDevopsRepository', key: 'owner', field: 'relations', path: 'resources[0].port.entity.mappings.relations.owner', file: 'mapping.yml', line: 15 },
    ]);
    expect(describeMisfits(misfits)).toBe('azureDevopsRepository.codeowners, azureDevopsRepository.owner');
  });

  it('judges no blueprint it has no keys for (computed by jq, or not in Port)', () => {
    expect(misfitKeys(config.resources, () => undefined)).toEqual([]);
  });

  it('shortens a long list', () => {
    const many = Array.from({ length: 7 }, (_, i) => ({ blueprint: 'b', key: `k${i}`, field: 'properties' as const, path: '', file: 'f' }));
    expect(describeMisfits(many)).toBe('b.k0, b.k1, b.k2, b.k3, b.k4, … (7 in all)');
  });
});
