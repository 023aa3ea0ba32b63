/* The SIMD exp and erf-GELU formulas, written once for any vector width: vecmath.c includes this
 * file once per ISA after defining VF (float vector), VI (int vector), VATTR (target attribute),
 * VNAME (name suffix) and the V* operations; it #undefs them at the end. Every step is a separate
 * IEEE multiply, add or divide in the order of the scalar reference (exp_scalar, erf_scalar). */

VATTR static inline VF VNAME(exp)(VF x) {
    const VF lo = VSET1(EXP_LO), hi = VSET1(EXP_HI), magic = VSET1(ROUND_MAGIC);
    VF xc = VMIN(hi, VMAX(lo, x));
    VF kn = VADD(VMUL(xc, VSET1(VITOPT_LOG2E)), magic);
    VF n = VSUB(kn, magic);
    VF r = VSUB(xc, VMUL(n, VSET1(VITOPT_LN2_HI)));
    r = VSUB(r, VMUL(n, VSET1(VITOPT_LN2_LO)));
    VF p = VSET1(VITOPT_EXP_C7);
    p = VADD(VMUL(p, r), VSET1(VITOPT_EXP_C6));
    p = VADD(VMUL(p, r), VSET1(VITOPT_EXP_C5));
    p = VADD(VMUL(p, r), VSET1(VITOPT_EXP_C4));
    p = VADD(VMUL(p, r), VSET1(VITOPT_EXP_C3));
    p = VADD(VMUL(p, r), VSET1(VITOPT_EXP_C2));
    p = VADD(VMUL(p, r), VSET1(VITOPT_EXP_C1));
    p = VADD(VMUL(p, r), VSET1(VITOPT_EXP_C0));
    VI e = VISLL(VIADD(VISUB(VCASTI(kn), VISET1(0x4B400000)), VISET1(127)), 23);
    VF scaled = VMUL(p, VCASTF(e));
    scaled = VSELECT_GT(x, hi, VSET1(__builtin_inff()), scaled);
    return VSELECT_LT(x, lo, VSET1(0.0f), scaled);
}

VATTR static inline VF VNAME(gelu)(VF v) {
    const VF one = VSET1(1.0f);
    const VF sign = VCASTF(VISET1((int)0x80000000u));
    VF x = VMUL(v, VSET1(VITOPT_INV_SQRT2));
    VF a = VMIN(VSET1(ERF_CLAMP), VANDNOT(sign, x));
    VF z = VMUL(a, a);
    VF p = VSET1(VITOPT_ERF_P5);
    p = VADD(VMUL(p, z), VSET1(VITOPT_ERF_P4));
    p = VADD(VMUL(p, z), VSET1(VITOPT_ERF_P3));
    p = VADD(VMUL(p, z), VSET1(VITOPT_ERF_P2));
    p = VADD(VMUL(p, z), VSET1(VITOPT_ERF_P1));
    p = VADD(VMUL(p, z), VSET1(VITOPT_ERF_P0));
    VF q = VSET1(VITOPT_ERF_Q5);
    q = VADD(VMUL(q, z), VSET1(VITOPT_ERF_Q4));
    q = VADD(VMUL(q, z), VSET1(VITOPT_ERF_Q3));
    q = VADD(VMUL(q, z), VSET1(VITOPT_ERF_Q2));
    q = VADD(VMUL(q, z), VSET1(VITOPT_ERF_Q1));
    q = VADD(VMUL(q, z), one);
    VF m = VMIN(one, VDIV(VMUL(a, p), q));
    VF erf = VOR(m, VAND(x, sign));
    return VMUL(VMUL(VSET1(0.5f), v), VADD(one, erf));
}

#undef VF
#undef VI
#undef VATTR
#undef VNAME
#undef VSET1
#undef VADD
#undef VSUB
#undef VMUL
#undef VDIV
#undef VMIN
#undef VMAX
#undef VAND
#undef VOR
#undef VANDNOT
#undef VCASTI
#undef VCASTF
#undef VISET1
#undef VIADD
#undef VISUB
#undef VISLL
#undef VSELECT_GT
#undef VSELECT_LT
