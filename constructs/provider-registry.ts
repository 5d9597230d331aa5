// Every Terraform provider the stacks use, described once: source, version (written nowhere else), pinned files, bindings, and the code that uses it.
//
// It lives in constructs/, the lowest layer that needs a version (the dns stack's pin), so that constructs,
// the binding generator, the simulator, the reviewer and the tests all read this one file; it imports
// nothing. test/providers.one-place.test.ts lists where each provider is named and fails on a second place
// that writes its source or version; docs/development.md#adding-a-provider says how to add one.

/** The local name of a provider: its key in `required_providers` and its folder `providers/<name>/`. */
export type ProviderName = 'proxmox' | 'dns' | 'gitea' | 'github';

/** Bindings generated from the pinned schema by `npm ci` (providers/generate.ts). */
export interface GeneratedBindings {
  readonly kind: 'generated';
  /** Where they are written, e.g. `.gen/providers/proxmox`. */
  readonly dir: string;
}

/** Bindings published on npm; package.json pins `package` at `version` (the test checks they agree). */
export interface NpmBindings {
  readonly kind: 'npm';
  readonly package: string;
  readonly version: string;
  /** The provider release the package was generated from; when it is not ours, the construct re-pins. */
  readonly generatedFrom: string;
}

export interface ProviderPin {
  readonly name: ProviderName;
  /** Terraform registry source, `namespace/type`. */
  readonly source: string;
  /** The release every pin names: required_providers, schema.json, semantics.json; its git tag is `v` + it. */
  readonly version: string;
  /** `terraform providers schema -json` of that release, for the resources we use (repository path). */
  readonly schema: string;
  /** What the provider does with them, read from its source at the tag (providers/semantics.ts). */
  readonly semantics: string;
  readonly bindings: GeneratedBindings | NpmBindings;
  /** The constructs that import its bindings (the only code that may). */
  readonly constructs: readonly string[];
  /** The stacks that use those constructs. */
  readonly stacks: readonly string[];
  /** The simulator's handling of this provider's own configuration, beyond its pinned files. */
  readonly simulator: readonly string[];
}

export const PROVIDER_REGISTRY: Readonly<Record<ProviderName, ProviderPin>> = {
  proxmox: {
    name: 'proxmox',
    source: 'bpg/proxmox',
    version: '0.111.1',
    schema: 'providers/proxmox/schema.json',
    semantics: 'providers/proxmox/semantics.json',
    bindings: { kind: 'generated', dir: '.gen/providers/proxmox' },
    constructs: [
      'constructs/AntiAffinityRule.ts',
      'constructs/ClusterFoundation.ts',
      'constructs/ClusterMembers.ts',
      'constructs/DebianImage.ts',
      'constructs/DebianVm.ts',
      'constructs/ProxmoxClusterProvider.ts',
    ],
    stacks: ['stacks/ClusterStack.ts'],
    simulator: ['providers/simulator/server.ts: validateProviderConfig (the endpoint is an http(s) URL)'],
  },
  dns: {
    name: 'dns',
    source: 'hashicorp/dns',
    version: '3.6.1',
    schema: 'providers/dns/schema.json',
    semantics: 'providers/dns/semantics.json',
    bindings: { kind: 'npm', package: '@cdktf/provider-dns', version: '9.0.1', generatedFrom: '3.4.3' },
    constructs: ['constructs/DnsRecordSet.ts', 'constructs/DnsUpdateProvider.ts'],
    stacks: ['stacks/DnsStack.ts'],
    simulator: ['providers/simulator/server.ts: configureProvider (the TSIG key name is fully qualified)'],
  },
  gitea: {
    name: 'gitea',
    source: 'go-gitea/gitea',
    version: '0.8.1',
    schema: 'providers/gitea/schema.json',
    semantics: 'providers/gitea/semantics.json',
    bindings: { kind: 'generated', dir: '.gen/providers/gitea' },
    constructs: ['constructs/DroneOauthApp.ts', 'constructs/GiteaTeams.ts'],
    stacks: ['stacks/ForgeStack.ts'],
    simulator: [],
  },
  github: {
    name: 'github',
    source: 'integrations/github',
    version: '6.9.0',
    schema: 'providers/github/schema.json',
    semantics: 'providers/github/semantics.json',
    bindings: { kind: 'npm', package: '@cdktf/provider-github', version: '15.3.1', generatedFrom: '6.9.0' },
    constructs: ['constructs/GithubTeams.ts'],
    stacks: ['stacks/ForgeStack.ts'],
    simulator: [],
  },
};

/** Every provider, in the registry's order. */
export const PROVIDER_PINS: readonly ProviderPin[] = Object.values(PROVIDER_REGISTRY);

/** The provider's git tag, which schema.json and semantics.json cite: `v0.111.1`. */
export const providerTag = (pin: ProviderPin): string => `v${pin.version}`;

/** The provider's full address, as Terraform names it in state and plans: `registry.terraform.io/bpg/proxmox`. */
export const providerAddress = (pin: ProviderPin): string => `registry.terraform.io/${pin.source}`;

/** The provider with that local name, or undefined: for commands that take a name from the command line. */
export function providerNamed(name: string): ProviderPin | undefined {
  return PROVIDER_PINS.find((p) => p.name === name);
}
