// The cdktf App every command synthesizes with: inventory text stays literal, and no two resources share a name.
import {
  App,
  type AppConfig,
  Aspects,
  type IAspect,
  TerraformDataSource,
  TerraformElement,
  TerraformResource,
  TerraformStack,
} from 'cdktf';
import type { IConstruct } from 'constructs';
import { createRequire } from 'node:module';
import { escapeLiterals } from './terraform-literal.ts';

/**
 * cdktf captures a full stack trace (Error.stackTraceLimit lifted to the maximum) for every token it creates,
 * whatever `stackTraces` says, and keeps it only to print in an error about that token. At 100x the example
 * that was a twelfth of the stack children's CPU and their largest strings. Tokens made after this module is
 * loaded carry none; the error messages still name the token and its path.
 */
const tokenTraces = createRequire(import.meta.url)('cdktf/lib/tokens/private/stack-trace.js') as {
  captureStackTrace: (below?: unknown) => string[];
};
tokenTraces.captureStackTrace = () => [];

/**
 * Wraps each Terraform element's JSON in `escapeLiterals`. It runs on every element of every stack at
 * synth time, so a resource or stack added later is covered without its author doing anything.
 */
class LiteralText implements IAspect {
  private readonly done = new WeakSet<TerraformElement>();

  visit(node: IConstruct): void {
    if (!TerraformElement.isTerraformElement(node) || this.done.has(node)) return;
    this.done.add(node);
    const element = node as TerraformElement;
    const unescaped = element.toTerraform.bind(element);
    element.toTerraform = (): unknown => escapeLiterals(unescaped());
  }
}

const LITERAL_TEXT = new LiteralText();

/** `type.name` of every resource and data source of a stack that more than one construct would claim. */
export function duplicateAddresses(stack: TerraformStack): string[] {
  const owners = new Map<string, string[]>();
  for (const node of stack.node.findAll()) {
    let address: string | undefined;
    if (node instanceof TerraformResource) address = `${node.terraformResourceType}.${node.friendlyUniqueId}`;
    else if (node instanceof TerraformDataSource)
      address = `data.${node.terraformResourceType}.${node.friendlyUniqueId}`;
    if (address === undefined) continue;
    owners.set(address, [...(owners.get(address) ?? []), node.node.path]);
  }
  return [...owners]
    .filter(([, paths]) => paths.length > 1)
    .map(([address, paths]) => `${address} (${paths.join(', ')})`)
    .sort();
}

export class InfraApp extends App {
  constructor(config: AppConfig = {}) {
    // Stack traces on every construct cost time and end up in the JSON; nobody reads them there.
    super({ stackTraces: false, ...config });
  }

  override synth(): void {
    for (const node of this.node.findAll()) {
      if (!(node instanceof TerraformStack)) continue;
      // cdktf merges two resources of one type and name into one silently; refuse instead.
      const duplicates = duplicateAddresses(node);
      if (duplicates.length > 0)
        throw new Error(
          `stack ${node.node.id}: two resources would share one Terraform address: ${duplicates.join('; ')}; every resource needs a name of its own`,
        );
      Aspects.of(node).add(LITERAL_TEXT);
    }
    super.synth();
  }
}
