import { ApiProperty } from '@nestjs/swagger';
import { MEMBERSHIP_STATUSES, type MembershipStatus } from '@annals/domain';

/**
 * Members, presidencies and memberships answer in one family: the code of the country or organization the entry
 * is about, its English `name`, and the dates.
 */
export class PresidencyAnswer {
  @ApiProperty({ example: 'CN', description: 'The holder (alpha-2)' }) country!: string;
  @ApiProperty({ example: 'China', description: "The holder's English name" }) name!: string;
  @ApiProperty({ example: '2024-07-04', description: 'First day of the term' }) since!: string;
}

export class PresidencyPeriodAnswer {
  @ApiProperty({ example: 'CN' }) country!: string;
  @ApiProperty({ example: 'China' }) name!: string;
  @ApiProperty({ example: '2024-07-04' }) from!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '2025-09-01',
    description: "The next handover, or the term's end; null while it lasts",
  })
  to!: string | null;
}

export class MemberAnswer {
  @ApiProperty({ example: 'BY' }) country!: string;
  @ApiProperty({ example: 'Belarus' }) name!: string;
  @ApiProperty({ enum: MEMBERSHIP_STATUSES, example: 'member' }) status!: MembershipStatus;
  @ApiProperty({ example: '2024-07-04' }) since!: string;
}

export class MembersAnswer {
  @ApiProperty({ example: 'SCO' }) organization!: string;
  @ApiProperty({ example: 'Shanghai Cooperation Organisation', description: "The organization's name" }) name!: string;
  @ApiProperty({ example: '2024-07-05', description: 'The date asked for (today by default)' }) asOf!: string;
  @ApiProperty({ type: [MemberAnswer], description: 'Sorted by country code' }) members!: MemberAnswer[];
}

export class MembershipAnswer {
  @ApiProperty({ example: 'SCO' }) organization!: string;
  @ApiProperty({ example: 'Shanghai Cooperation Organisation', description: "The organization's name" }) name!: string;
  @ApiProperty({ enum: MEMBERSHIP_STATUSES, example: 'member' }) status!: MembershipStatus;
  @ApiProperty({ example: '2024-07-04' }) since!: string;
}

export class OrganizationSummaryAnswer {
  @ApiProperty({ example: 'SCO' }) code!: string;
  @ApiProperty({ example: 'Shanghai Cooperation Organisation' }) name!: string;
  @ApiProperty({ type: String, nullable: true, example: 'Q485207' }) wikidataId!: string | null;
  @ApiProperty({ example: 10, description: 'Full members today' }) memberCount!: number;
  @ApiProperty({
    enum: ['complete', 'partial'],
    example: 'complete',
    description:
      'complete: every member since the founding is recorded; partial: only some are (the members are the recorded members, not the membership)',
  })
  membershipCoverage!: 'complete' | 'partial';
  @ApiProperty({ type: PresidencyAnswer, nullable: true, description: 'Who holds the presidency today; null when nobody is known' })
  presidency!: PresidencyAnswer | null;
}

export class OrganizationAnswer extends OrganizationSummaryAnswer {
  @ApiProperty({ type: [MemberAnswer], description: 'Members today, sorted by country code' }) members!: MemberAnswer[];
}
