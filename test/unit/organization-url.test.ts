import { describe, expect, it } from 'vitest';
import { OrganizationUrlError, parseOrganizationUrl } from '../../core/azure-devops/organization';

describe('parseOrganizationUrl', () => {
  it('derives the cloud service hosts from dev.azure.com', () => {
    const org = parseOrganizationUrl('https://dev.azure.com/contoso/');
    expect(org).toEqual({
      deployment: 'cloud',
      name: 'contoso',
      url: 'https://dev.azure.com/contoso',
      services: {
        core: 'https://dev.azure.com/contoso',
        release: 'https://vsrm.dev.azure.com/contoso',
        graph: 'https://vssps.dev.azure.com/contoso',
        entitlements: 'https://vsaex.dev.azure.com/contoso',
        advancedSecurity: 'https://advsec.dev.azure.com/contoso',
      },
    });
  });

  it('keeps scheme and port, so a local simulator can stand in for the cloud hosts', () => {
    const org = parseOrganizationUrl('http://dev.azure.com:8080/demo-org');
    expect(org.services.release).toBe('http://vsrm.dev.azure.com:8080/demo-org');
    expect(org.services.core).toBe('http://dev.azure.com:8080/demo-org');
  });

  it('derives the legacy visualstudio.com hosts', () => {
    const org = parseOrganizationUrl('https://Fabrikam.visualstudio.com/DefaultCollection');
    expect(org.name).toBe('fabrikam');
    expect(org.url).toBe('https://fabrikam.visualstudio.com');
    expect(org.services.release).toBe('https://fabrikam.vsrm.visualstudio.com');
    expect(org.services.graph).toBe('https://fabrikam.vssps.visualstudio.com');
    expect(org.services.advancedSecurity).toBe('https://advsec.dev.azure.com/fabrikam');
  });

  it.each([
    ['https://ado.contoso.local/tfs/DefaultCollection', 'DefaultCollection', 'https://ado.contoso.local/tfs/DefaultCollection'],
    ['https://ado.contoso.local:8443/Main/', 'Main', 'https://ado.contoso.local:8443/Main'],
    ['http://127.0.0.1:4000/demo-org', 'demo-org', 'http://127.0.0.1:4000/demo-org'],
  ])('treats %s as Azure DevOps Server with one host for every service', (input, name, url) => {
    const org = parseOrganizationUrl(input);
    expect(org.deployment).toBe('server');
    expect(org.name).toBe(name);
    expect(org.services).toEqual({ core: url, release: url });
  });

  it.each([
    ['not a url', /is not a URL/],
    ['ftp://dev.azure.com/x', /https/],
    ['https://dev.azure.com/', /dev\.azure\.com\/\{organization\}/],
    ['https://dev.azure.com/org/project', /nothing after the organization/],
    ['https://user:secret@dev.azure.com/org', /must not contain credentials/],
    ['https://server.local/', /no collection/],
    ['https://server.local/a/b/c', /no collection/],
  ])('rejects %s with a message that says what is expected', (input, message) => {
    expect(() => parseOrganizationUrl(input)).toThrow(OrganizationUrlError);
    expect(() => parseOrganizationUrl(input)).toThrow(message);
  });

  it.each(['https://user:hunter2@dev.azure.com/org', 'https://dev.azure.com/org?token=hunter2', 'https://dev.azure.com/org#access_token=hunter2'])('never echoes credentials embedded in a rejected URL (%s)', (input) => {
    expect(() => parseOrganizationUrl(input)).toThrow(OrganizationUrlError);
    try {
      parseOrganizationUrl(input);
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
  });

  it('names the URL without its query string when it refuses one', () => {
    expect(() => parseOrganizationUrl('https://dev.azure.com/org?token=x')).toThrow("'https://dev.azure.com/org' must not have a query string or fragment (left out here).");
  });
});
