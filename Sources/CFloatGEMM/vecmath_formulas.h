/* The SIMD exp and erf-GELU formulas, written once for any vector width: vecmath.c includes this
 * file once per ISA after defining VF (float vector), VI (int vector), VATTR (target attribute),
 * VNAME (name suffix) and the V* operations; it #undefs them at the end. Every step is a separate
 * IEEE multiply, add or divide in the order of the scalar reference (exp_scalar, erf_scalar). */

VATTR static inline VF VNAME(exp)(VF x) {
    const VF lo = VSET1(EXP_LO), hi = VSET1(EXP_HI), magic = VSET1(ROUND_MAGIC);
    VF xc = VMIN(hi, VMAX(lo, x));
    VF kn = VADD(VMUL(xc, VSET1(1.44269504f)), magic);
    VF n = VSUB(kn, magic);
    VF r = VSUB(xc, VMUL(n, VSET1(0.69314575f)));
    r = VSUB(r, VMUL(n, VSET1(1.4286068e-6f)));
    VF p = VSET1(1.0f / 5040.0f);
    p = VADD(VMUL(p, r), VSET1(1.0f / 720.0f));
    p = VADD(VMUL(p, r), VSET1(1.0f / 120.0f));
    p = VADD(VMUL(p, r), VSET1(1.0f / 24.0f));
    p = VADD(VMUL(p, r), VSET1(1.0f / 6.0f));
    p = VADD(VMUL(p, r), VSET1(0.5f));
    p = VADD(VMUL(p, r), VSET1(1.0f));
    p = VADD(VMUL(p, r), VSET1(1.0f));
    VI e = VISLL(VIADD(VISUB(VCASTI(kn), VISET1(0x4B400000)), VISET1(127)), 23);
    VF scaled = VMUL(p, VCASTF(e));
    scaled = VSELECT_GT(x, hi, VSET1(__builtin_inff()), scaled);
    return VSELECT_LT(x, lo, VSET1(0.0f), scaled);
}

VATTR static inline VF VNAME(gelu)(VF v) {
    const VF one = VSET1(1.0f);
    const VF sign = VCASTF(VISET1((int)0x80000000u));
    VF x = VMUL(v, VSET1(0.70710677f));
    VF a = VMIN(VSET1(ERF_CLAMP), VANDNOT(sign, x));
    VF z = VMUL(a, a);
    VF p = VSET1(2.0263917e-06f);
    p = VADD(VMUL(p, z), VSET1(2.8785653e-04f));
    p = VADD(VMUL(p, z), VSET1(3.8958688e-03f));
    p = VADD(VMUL(p, z), VSET1(5.3144842e-02f));
    p = VADD(VMUL(p, z), VSET1(1.9343801e-01f));
    p = VADD(VMUL(p, z), VSET1(1.1283790f));
    VF q = VSET1(3.8003920e-05f);
    q = VADD(VMUL(q, z), VSET1(1.1943385e-03f));
    q = VADD(VMUL(q, z), VSET1(1.5227712e-02f));
    q = VADD(VMUL(q, z), VSET1(1.1535885e-01f));
    q = VADD(VMUL(q, z), VSET1(5.0476152e-01f));
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
