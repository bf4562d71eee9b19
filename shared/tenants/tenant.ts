/** Partners and indirect resellers, as stored. */
export interface PartnerRecord {
  type: 'partner';
  id: string;
  name: string;
}

export interface ResellerRecord {
  type: 'reseller';
  id: string;
  partnerId: string;
  name: string;
}

export type TenantRecord = PartnerRecord | ResellerRecord;
