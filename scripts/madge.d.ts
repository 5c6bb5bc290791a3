/** The part of madge's API that check-cycles.ts uses (madge ships no types). */
declare module 'madge' {
  interface MadgeConfig {
    fileExtensions?: string[];
    tsConfig?: string | object;
    detectiveOptions?: Record<string, unknown>;
    excludeRegExp?: (string | RegExp)[];
  }
  interface MadgeInstance {
    /** Module path -> the module paths it imports. */
    obj(): Record<string, string[]>;
    /** Every import cycle, as a list of module paths. */
    circular(): string[][];
  }
  export default function madge(path: string | string[], config?: MadgeConfig): Promise<MadgeInstance>;
}
