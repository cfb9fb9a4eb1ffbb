import { describe, expect, it } from 'vitest';
import { parseContent } from '../../core/kinds/file';

describe('parsed file content is plain JSON, as jq would see it', () => {
  it('turns YAML infinities and NaN into null and !!binary into base64; keeps the rest', () => {
    const { parsed, error } = parseContent('deploy.yaml', 'replicas: .inf\nratio: .nan\nlow: -.inf\nblob: !!binary aGVsbG8=\nname: api\nports: [80, 443]\n');
    expect(error).toBeUndefined();
    expect(parsed).toEqual({ replicas: null, ratio: null, low: null, blob: 'aGVsbG8=', name: 'api', ports: [80, 443] });
  });

  it('does the same for a JSON number beyond a double, and for each YAML document', () => {
    expect(parseContent('package.json', '{"big": 1e400, "v": "1.0.0"}').parsed).toEqual({ big: null, v: '1.0.0' });
    expect(parseContent('all.yml', 'a: .inf\n---\nb: 2\n').parsed).toEqual([{ a: null }, { b: 2 }]);
  });
});
