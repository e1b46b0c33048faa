import type { Source, Development } from './development.types';

export type RecordDevelopment = { readonly type: 'RecordDevelopment'; readonly developmentId: string; readonly development: Development };

export interface CorrectDevelopment {
  readonly type: 'CorrectDevelopment';
  readonly developmentId: string;
  readonly changes: Record<string, unknown>;
  readonly reason: string;
  readonly sources?: readonly Source[];
}

export interface RetractDevelopment {
  readonly type: 'RetractDevelopment';
  readonly developmentId: string;
  readonly reason: string;
}

export type DevelopmentCommand = RecordDevelopment | CorrectDevelopment | RetractDevelopment;
