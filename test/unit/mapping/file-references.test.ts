import { describe, expect, it } from 'vitest';
import { parsePortAppConfigYaml } from '../../../core/mapping/app-config';
import { fileReferencesOf, withIncludedFiles } from '../../../core/mapping/file-references';

const resourceOf = (yaml: string) => parsePortAppConfigYaml(yaml, 'x.yml').resources[0]!;

describe('file:// property values', () => {
  it('become __includedFiles reads, their paths added once to includedFiles; other fields stay', () => {
    const resource = resourceOf(`resources:
  - kind: repository
    selector: { query: 'true', includedFiles: [README.md] }
    port:
      entity:
        mappings:
          - identifier: .id
            blueprint: '"azureDevopsRepository"'
            properties: { readme: file://README.md, owners: ' file://docs/CODE "OWNERS"', url: .remoteUrl }
          - identifier: .id
            blueprint: '"other"'
            title: file://not-a-property
`);
    const references = fileReferencesOf(resource);
    expect(references).toEqual([
      { property: 'readme', mappingIndex: 0, path: 'README.md' },
      { property: 'owners', mappingIndex: 0, path: 'docs/CODE "OWNERS"' },
    ]);
    const rewritten = withIncludedFiles(resource, references);
    expect(rewritten.selector['includedFiles']).toEqual(['README.md', 'docs/CODE "OWNERS"']);
    expect(rewritten.port.entity.mappings[0]?.properties).toEqual({ readme: '.__includedFiles["README.md"]', owners: '.__includedFiles["docs/CODE \\"OWNERS\\""]', url: '.remoteUrl' });
    expect(rewritten.port.entity.mappings[1]).toBe(resource.port.entity.mappings[1]);
    expect(withIncludedFiles(resource, [])).toBe(resource);
  });
});
