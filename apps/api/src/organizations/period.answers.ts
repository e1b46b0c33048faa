import { ApiProperty } from '@nestjs/swagger';
import { MEMBERSHIP_ENDING_REASONS, MEMBERSHIP_STATUSES, type MembershipEndingReason, type MembershipStatus } from '@annals/domain';

const MEMBERSHIP_END_REASONS = [...MEMBERSHIP_ENDING_REASONS, 'status-change'] as const;
const TERM_END_REASONS = ['handover', 'term-end'] as const;

const BELARUS_APPROVAL = '14bbc946-f1c7-45aa-962a-97c4c326ca7c';
const KAZAKH_HANDOVER = '8296ef04-49fe-4d3a-874a-b67501e62ee0';
const CHINESE_HANDOVER = '5c2c3dec-c092-4aed-b242-757817b8da87';

/** What membership periods and presidency terms share: the dates they hold, and the developments that opened and closed them. */
class MembershipPeriodFields {
  @ApiProperty({ enum: MEMBERSHIP_STATUSES, example: 'member' }) status!: MembershipStatus;
  @ApiProperty({ example: '2024-07-04', description: 'When it took effect: the approval’s `effectiveOn`, else its `occurredOn`' })
  since!: string;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'When it stopped holding; null while it holds' })
  until!: string | null;
  @ApiProperty({ format: 'uuid', example: BELARUS_APPROVAL, description: 'The membership approval that opened it' })
  openedBy!: string;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    example: null,
    description: 'The membership ending, or the approval that changed the status; null while it holds',
  })
  closedBy!: string | null;
  @ApiProperty({
    enum: [...MEMBERSHIP_END_REASONS, null],
    nullable: true,
    example: null,
    description: 'Why it stopped; null while it holds',
  })
  endReason!: MembershipEndingReason | 'status-change' | null;
}

class PresidencyTermFields {
  @ApiProperty({ example: '2023-07-04', description: 'First day of the term, as recorded' }) from!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '2024-07-04',
    description: "The next handover, or the term's end; null while it lasts",
  })
  to!: string | null;
  @ApiProperty({ format: 'uuid', example: KAZAKH_HANDOVER, description: 'The handover that opened the term' }) openedBy!: string;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    example: CHINESE_HANDOVER,
    description: 'The next handover, when it passed the presidency on; null when the term ended by itself or lasts',
  })
  closedBy!: string | null;
  @ApiProperty({ enum: [...TERM_END_REASONS, null], nullable: true, example: 'handover', description: 'null while it lasts' })
  endReason!: 'handover' | 'term-end' | null;
}

export class MemberPeriodAnswer extends MembershipPeriodFields {
  @ApiProperty({ example: 'BY' }) country!: string;
  @ApiProperty({ example: 'Belarus' }) name!: string;
}

export class MembershipPeriodAnswer extends MembershipPeriodFields {
  @ApiProperty({ example: 'SCO' }) organization!: string;
  @ApiProperty({ example: 'Shanghai Cooperation Organisation', description: "The organization's name" }) name!: string;
}

export class PresidencyTermAnswer extends PresidencyTermFields {
  @ApiProperty({ example: 'KZ', description: 'The holder (alpha-2)' }) country!: string;
  @ApiProperty({ example: 'Kazakhstan', description: "The holder's English name" }) name!: string;
}

export class HeldPresidencyAnswer extends PresidencyTermFields {
  @ApiProperty({ example: 'SCO' }) organization!: string;
  @ApiProperty({ example: 'Shanghai Cooperation Organisation', description: "The organization's name" }) name!: string;
}

export class OrganizationPeriodsAnswer {
  @ApiProperty({ example: 'SCO' }) organization!: string;
  @ApiProperty({ example: 'Shanghai Cooperation Organisation' }) name!: string;
  @ApiProperty({ type: [MemberPeriodAnswer], description: 'Every membership period, by country, then chronological' })
  memberships!: MemberPeriodAnswer[];
  @ApiProperty({ type: [PresidencyTermAnswer], description: 'The presidency chain, chronological' })
  presidencies!: PresidencyTermAnswer[];
}

export class CountryPeriodsAnswer {
  @ApiProperty({ example: 'BY' }) country!: string;
  @ApiProperty({ example: 'Belarus' }) name!: string;
  @ApiProperty({ type: [MembershipPeriodAnswer], description: 'Every membership period, by organization, then chronological' })
  memberships!: MembershipPeriodAnswer[];
  @ApiProperty({ type: [HeldPresidencyAnswer], description: 'The presidencies it held, by organization, then chronological' })
  presidencies!: HeldPresidencyAnswer[];
}
