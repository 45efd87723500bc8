import { type ConstantTensor, OnnxImportError, decodeTensor } from './constant.js';
import type { OnnxAttribute, OnnxNode } from './model.js';
import { OnnxAttributeType } from './schema.js';

/** Typed, checked reading of one node's attributes. */
export class NodeAttributes {
  private readonly byName = new Map<string, OnnxAttribute>();

  /** `allowed` are the attribute names the op defines; any other attribute is refused. */
  constructor(
    private readonly node: OnnxNode,
    readonly where: string,
    allowed: readonly string[],
  ) {
    for (const attribute of node.attribute) {
      const name = attribute.name ?? '';
      if (attribute.ref_attr_name) throw new OnnxImportError(`${where}: attribute '${name}' refers to a function attribute, which is not supported`);
      if (!allowed.includes(name)) {
        throw new OnnxImportError(`${where}: attribute '${name}' is not supported for ${node.op_type} (supported: ${allowed.join(', ') || 'none'})`);
      }
      this.byName.set(name, attribute);
    }
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  int(name: string, fallback: number): number {
    const attribute = this.get(name, OnnxAttributeType.INT);
    return attribute === undefined ? fallback : Number(attribute.i ?? 0);
  }

  float(name: string, fallback: number): number {
    const attribute = this.get(name, OnnxAttributeType.FLOAT);
    return attribute === undefined ? fallback : Number(attribute.f ?? 0);
  }

  string(name: string, fallback: string): string {
    const attribute = this.get(name, OnnxAttributeType.STRING);
    return attribute === undefined ? fallback : new TextDecoder().decode(attribute.s ?? new Uint8Array());
  }

  ints(name: string): number[] | undefined {
    const attribute = this.get(name, OnnxAttributeType.INTS);
    return attribute === undefined ? undefined : attribute.ints.map(Number);
  }

  floats(name: string): number[] | undefined {
    const attribute = this.get(name, OnnxAttributeType.FLOATS);
    return attribute === undefined ? undefined : attribute.floats.map(Number);
  }

  strings(name: string): string[] | undefined {
    const attribute = this.get(name, OnnxAttributeType.STRINGS);
    return attribute === undefined ? undefined : attribute.strings.map((bytes) => new TextDecoder().decode(bytes));
  }

  tensor(name: string): ConstantTensor | undefined {
    const attribute = this.get(name, OnnxAttributeType.TENSOR);
    if (attribute === undefined) return undefined;
    if (attribute.t === undefined) throw new OnnxImportError(`${this.where}: attribute '${name}' has no tensor`);
    return decodeTensor(attribute.t, `${this.where} attribute '${name}'`);
  }

  /** The attribute if present, after checking its declared type (when the model declares one). */
  private get(name: string, type: number): OnnxAttribute | undefined {
    const attribute = this.byName.get(name);
    if (attribute === undefined) return undefined;
    if (attribute.type !== undefined && attribute.type !== 0 && attribute.type !== type) {
      throw new OnnxImportError(`${this.where}: attribute '${name}' has type ${attribute.type}, expected ${type}`);
    }
    return attribute;
  }
}

/** "node 'name' (Op)" for messages. */
export function describeNode(node: OnnxNode, index: number): string {
  return `node '${node.name || `#${index}`}' (${node.op_type ?? '?'})`;
}
