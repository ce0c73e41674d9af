import { describe, expect, it } from 'vitest';
import { measuredQuantity, parseKks } from '../../../../functions/core/index.ts';

const parts = (raw: string) => {
  const result = parseKks(raw);
  if (!result.ok) throw new Error(result.reason);
  return result.kks;
};
const reason = (raw: string) => {
  const result = parseKks(raw);
  if (result.ok) throw new Error(`${raw} parsed`);
  return result.reason;
};

describe('KKS codes (VGB-B 105)', () => {
  it('splits a code into its breakdown levels and normalises it', () => {
    expect(parts('10LAB10AA001')).toEqual({
      code: '10LAB10AA001',
      plant: '10',
      functionKey: 'LAB10',
      equipmentUnit: 'AA001',
      component: null,
      measuredQuantity: null,
    });
    expect(parts('10 LAB10 AA001').code).toBe('10LAB10AA001');
    expect(parts('=10LAB10AA001').code).toBe('10LAB10AA001');
    expect(parts(' 10lab10ct001 ').code).toBe('10LAB10CT001');
  });

  it('reads the DESIGN example KK2 LAC 20 AP 001 MT 01 as plant KK2, LAC20, AP001, MT01', () => {
    expect(parts('KK2 LAC 20 AP 001 MT 01')).toMatchObject({
      code: 'KK2LAC20AP001MT01',
      plant: 'KK2',
      functionKey: 'LAC20',
      equipmentUnit: 'AP001',
      component: 'MT01',
    });
  });

  it('takes a 4th prefix character as F0, and the optional A3 letter of the equipment unit', () => {
    expect(parts('KK20LAC20CT001A')).toMatchObject({ plant: 'KK2', functionKey: '0LAC20', equipmentUnit: 'CT001A' });
    expect(parts('10LAB10AP001AMT01')).toMatchObject({ equipmentUnit: 'AP001A', component: 'MT01' });
    expect(parts('1LAB10')).toMatchObject({ plant: '1', functionKey: 'LAB10', equipmentUnit: null });
  });

  it('tells the measured quantity from a measuring circuit', () => {
    expect(parts('10MKA10CT001').measuredQuantity).toBe('temperature');
    expect(parts('10LAB10CP001').measuredQuantity).toBe('pressure');
    expect(parts('10LAB10CF001').measuredQuantity).toBe('flow');
    expect(parts('10LAB10CL001').measuredQuantity).toBe('level');
    expect(parts('10LAB10DP001').measuredQuantity).toBe('pressure'); // closed-loop control circuit
    expect(parts('10LAB10FT001').measuredQuantity).toBe('temperature'); // indirect measuring circuit
    expect(measuredQuantity('CY001')).toBe('vibration');
    expect(measuredQuantity('AP001')).toBeNull();
    expect(measuredQuantity(null)).toBeNull();
  });

  it('says exactly which part of an invalid code is wrong', () => {
    expect(reason('10LAB1AA001')).toBe('"10LAB1AA001" is not a KKS code: function key "LAB1A" must be 3 letters and 2 digits ((N)AAANN, e.g. "LAB10")');
    expect(reason('10LAB10A001')).toBe(
      '"10LAB10A001" is not a KKS code: equipment unit "A001" must be 2 letters, 3 digits and an optional letter (AANNN(A), e.g. "CP001")',
    );
    expect(reason('10LAB10AA001MT1')).toBe('"10LAB10AA001MT1" is not a KKS code: component "MT1" must be 2 letters and 2 digits (AANN, e.g. "MT01")');
    expect(reason('LAB10CP001')).toBe(
      '"LAB10CP001" is not a KKS code: the total plant (level 0) is missing before the function key LAB10; prefix it, e.g. "1LAB10…"',
    );
    expect(reason('12345LAB10')).toBe(
      '"12345LAB10" is not a KKS code: total plant "12345" has 5 characters; level 0 has 1–3, optionally followed by one F0 digit',
    );
    expect(reason('10LIB10CT001')).toBe('"10LIB10CT001" is not a KKS code: system letters in "LIB" use I or O, which KKS does not use (they read as 1 and 0)');
    expect(reason('10LAB10CO001')).toBe(
      '"10LAB10CO001" is not a KKS code: equipment unit letters in "CO001" use I or O, which KKS does not use (they read as 1 and 0)',
    );
    expect(reason('1#LAB10')).toBe(
      '"1#LAB10" is not a KKS code: character "#" is not allowed; a KKS code has letters and digits only (spaces and a leading "=" are tolerated)',
    );
    expect(reason('10LAB10CT001MT01XY')).toBe(
      '"10LAB10CT001MT01XY" is not a KKS code: "CT001MT01XY" after the function key is too long; equipment unit AANNN(A) and component AANN take at most 10 characters',
    );
    expect(reason('')).toBe('"" is not a KKS code: it is empty; send e.g. "10LAB10CP001"');
    expect(reason('10')).toBe('"10" is not a KKS code: no function key (level 1) found; after the total plant write 3 letters and 2 digits, e.g. "10LAB10"');
  });

  it('refuses the other VGB code types with their meaning', () => {
    expect(reason('+1CJA01 GH001')).toContain('starts with "+", which marks a point-of-installation or location code');
    expect(reason('&MBA01')).toContain('starts with "&", which marks a document code');
    expect(reason('-M01')).toContain('starts with "-", a product designation');
  });
});
