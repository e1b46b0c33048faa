import { ValidationPipe, type ArgumentMetadata, type Type, type ValidationPipeOptions } from '@nestjs/common';

/** A check that vouches for a plain value as a DTO (returning it built), or returns undefined to let the pipe decide. */
export type PlainShortcut = (value: unknown) => object | undefined;

/**
 * The global pipe: class-validator for every DTO, but a DTO read on every hot request may come with a shortcut
 * that recognizes the common, plainly valid values and builds the DTO directly. It only ever accepts what the
 * decorators accept; everything else goes through class-validator, so refusals read exactly as before.
 */
export class ShortcutValidationPipe extends ValidationPipe {
  constructor(
    options: ValidationPipeOptions,
    private readonly shortcuts: ReadonlyMap<Type, PlainShortcut>,
  ) {
    super(options);
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const shortcut = metadata.metatype ? this.shortcuts.get(metadata.metatype) : undefined;
    const built = shortcut?.(value);
    return built ? Promise.resolve(built) : super.transform(value, metadata);
  }
}
