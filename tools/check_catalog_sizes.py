#!/usr/bin/env python3
"""check_catalog_sizes.py -- cross-check model/catalog/{models,quant}.cfg.

Usage:
    python3 tools/check_catalog_sizes.py [--catalog DIR] [--data DIR]
                                         [--tol PCT] [--simulate]

What it checks (python3 standard library only):
  1. Weight bytes predicted from models.cfg dims and quant.cfg bits against
     every `file_size_gb` row of measurements.csv whose model and quant are
     in the catalog (the GiB/GB unit column is honoured).  Weight bytes =
         embed   vocab x hidden x embed_bits/8
       + lm_head vocab x hidden x lm_head_bits/8      (0 when tied)
       + body    (attention q/k/v/o + FFN + experts) x bits_per_weight/8
       + norms   ((2 x layers + 1) x hidden + biases) x norm_bits/8
     Every row must be within --tol percent (default 2).
  2. The parameter count derived from the dims against the stated params_b
     (and active_params_b for MoE); warns above 3 %.
  3. Encoder gflops_per_input against 2 x MACs of the transformer body.
  4. String lengths against the fixed-size fields of rl_arch / rl_quant.
  --simulate also prints the effective body bits of each llama.cpp mix for
  a few model shapes, from a re-implementation of llama_tensor_get_type.

Exit status: 0 when every size row is within tolerance and the strings fit,
1 otherwise, 2 on unreadable input.
"""
import argparse
import csv
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


# ------------------------------------------------------------ libconfig subset
TOKEN = re.compile(r'''
    (?P<ws>\s+) | (?P<comment>\#[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<num>[-+]?(?:0x[0-9a-fA-F]+|\d+\.\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?
                    |\d+[eE][-+]?\d+|\d+)L{0,2})
  | (?P<name>[A-Za-z\*][-A-Za-z0-9_\*]*)
  | (?P<punct>[=:;,{}()\[\]])
''', re.S | re.X)


def tokenize(text):
    pos, out = 0, []
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            line = text.count('\n', 0, pos) + 1
            raise ValueError('line %d: unexpected %r' % (line, text[pos:pos + 10]))
        kind = m.lastgroup
        if kind not in ('ws', 'comment'):
            out.append((kind, m.group(kind), text.count('\n', 0, pos) + 1))
        pos = m.end()
    return out


class Parser:
    """Parses the subset of libconfig the catalog uses into dicts/lists."""

    def __init__(self, text):
        self.toks = tokenize(text)
        self.i = 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else ('eof', '', 0)

    def take(self, value=None):
        tok = self.peek()
        if value is not None and tok[1] != value:
            raise ValueError('line %d: expected %r, got %r' % (tok[2], value, tok[1]))
        self.i += 1
        return tok

    def settings(self, end):
        d = {}
        while self.peek()[1] != end and self.peek()[0] != 'eof':
            kind, name, line = self.take()
            if kind != 'name':
                raise ValueError('line %d: expected a setting name' % line)
            if self.peek()[1] not in ('=', ':'):
                raise ValueError('line %d: expected = after %s' % (line, name))
            self.take()
            if name in d:
                raise ValueError('line %d: duplicate setting %s' % (line, name))
            d[name] = self.value()
            if self.peek()[1] in (';', ','):
                self.take()
        return d

    def value(self):
        kind, tok, line = self.take()
        if kind == 'str':
            s = tok[1:-1]
            while self.peek()[0] == 'str':     # adjacent strings concatenate
                s += self.take()[1][1:-1]
            return s
        if kind == 'num':
            t = tok.rstrip('L')
            if re.fullmatch(r'[-+]?(0x[0-9a-fA-F]+|\d+)', t):
                v = int(t, 0)
                if abs(v) > 2**31 - 1 and not tok.endswith('L'):
                    raise ValueError('line %d: integer %s needs an L suffix' % (line, tok))
                return v
            return float(t)
        if kind == 'name' and tok.lower() in ('true', 'false'):
            return tok.lower() == 'true'
        if tok == '{':
            d = self.settings('}')
            self.take('}')
            return d
        if tok in ('(', '['):
            close = ')' if tok == '(' else ']'
            items = []
            while self.peek()[1] != close:
                items.append(self.value())
                if self.peek()[1] == ',':
                    self.take()
            self.take(close)
            return items
        raise ValueError('line %d: unexpected %r' % (line, tok))


def load_cfg(path):
    with open(path) as f:
        p = Parser(f.read())
    d = p.settings('eof')
    return d


# ------------------------------------------------------------ parameter counts
def params(m):
    """Parameter counts by role (elements), following model/arch.h."""
    L = m.get('layers', 0)
    h = m.get('hidden', 0)
    heads = m.get('heads', 0)
    kvh = m.get('kv_heads', 0) or heads
    hd = m.get('head_dim', 0) or (h // heads if heads else 0)
    fm = m.get('ffn_mats', 0) or 3
    V = m.get('vocab', 0)
    r = dict(embed=0.0, lm_head=0.0, attn=0.0, ffn_dense=0.0, experts=0.0,
             experts_active=0.0, router=0.0, norms=0.0)
    if L == 0:                      # resnet-50: stated size only
        r['attn'] = m.get('params_b', 0.0) * 1e9
        r['total'] = r['active'] = r['attn']
        return r
    r['embed'] = float(V) * h
    r['lm_head'] = 0.0 if m.get('tied_embeddings') else float(V) * h
    if m.get('kv_lora_rank'):       # MLA (DeepSeek V2/V3)
        qr, kr = m.get('q_lora_rank', 0), m['kv_lora_rank']
        rope, nope, vd = m['qk_rope_dim'], m['qk_nope_dim'], m['v_head_dim']
        q = (h * qr + qr * heads * (nope + rope) + qr) if qr else h * heads * (nope + rope)
        kv = h * (kr + rope) + kr + kr * heads * (nope + vd)
        o = heads * vd * h
        per = q + kv + o
    else:
        per = 2 * h * heads * hd + 2 * h * kvh * hd
        if m.get('attn_bias'):
            r['norms'] += L * (heads * hd + 2 * kvh * hd)
    r['attn'] = float(L) * per
    E = m.get('experts', 0)
    ml = m.get('moe_layers', L if E else 0)
    r['ffn_dense'] = float(L - ml) * fm * h * m.get('intermediate', 0)
    if E:
        mi = m['moe_intermediate']
        si = m.get('shared_intermediate', 0) or m.get('shared_experts', 0) * mi
        r['ffn_dense'] += float(ml) * fm * h * si
        r['experts'] = float(ml) * E * fm * h * mi
        r['experts_active'] = float(ml) * m['experts_active'] * fm * h * mi
        r['router'] = float(ml) * E * h
    r['norms'] += (2.0 * L + 1) * h
    body = r['attn'] + r['ffn_dense'] + r['router']
    r['total'] = r['embed'] + r['lm_head'] + body + r['experts'] + r['norms']
    r['active'] = r['embed'] + r['lm_head'] + body + r['experts_active'] + r['norms']
    return r


def weight_bytes(m, q):
    p = params(m)
    body = p['attn'] + p['ffn_dense'] + p['experts'] + p['router']
    return (p['embed'] * q['embed_bits'] + p['lm_head'] * q['lm_head_bits']
            + body * q['bits_per_weight'] + p['norms'] * q['norm_bits']) / 8.0


def encoder_gflops(m):
    L, h, f, n = m['layers'], m['hidden'], m['intermediate'], m['input_tokens']
    macs = L * n * (4 * h * h + m.get('ffn_mats', 2) * h * f) + L * 2 * h * n * n
    return 2.0 * macs / 1e9


# ------------------------------------------------------------ llama.cpp mixes
GGML_BITS = {'q8_0': 8.5, 'q6_K': 6.5625, 'q5_K': 5.5, 'q4_K': 4.5, 'q3_K': 3.4375,
             'q2_K': 2.625, 'iq4_xs': 4.25, 'q4_0': 4.5, 'q5_0': 5.5}
MIX_BASE = {'q2_k': 'q2_K', 'q3_k_s': 'q3_K', 'q3_k_m': 'q3_K', 'q3_k_l': 'q3_K',
            'q4_k_s': 'q4_K', 'q4_k_m': 'q4_K', 'q5_k_s': 'q5_K', 'q5_k_m': 'q5_K',
            'q6_k': 'q6_K', 'q8_0': 'q8_0', 'q4_0': 'q4_0', 'q5_0': 'q5_0',
            'iq4_xs': 'iq4_xs'}


def use_more_bits(i, n):
    return i < n // 8 or i >= 7 * n // 8 or (i - n // 8) % 3 == 2


def mix_types(ftype, i, L, gqa, is70b):
    """(attn_v, attn_output, ffn_down) types of layer i, llama_tensor_get_type
    (llama.cpp src/llama-quant.cpp, 2024) for a dense llama-like model."""
    base = MIX_BASE[ftype]
    v = o = d = base
    if ftype == 'q2_k':
        v, o, d = ('q4_K' if gqa >= 4 else 'q3_K'), 'q3_K', 'q3_K'
    elif ftype == 'q3_k_m':
        v, o = ('q5_K' if i < 2 else 'q4_K'), 'q4_K'
        d = 'q5_K' if i < L // 16 else 'q4_K'
    elif ftype == 'q3_k_l':
        v = o = d = 'q5_K'
    elif ftype == 'iq4_xs' and gqa >= 4:
        v = 'q5_K'
    elif ftype in ('q4_k_m', 'q5_k_m'):
        if use_more_bits(i, L):
            v = d = 'q6_K'
    elif ftype == 'q4_k_s':
        v = 'q5_K' if i < 4 else base
        d = 'q5_K' if i < L // 8 else base
    if is70b and v in ('q3_K', 'q4_K'):
        v = 'q5_K'
    return v, o, d


def mix_body_bits(m, ftype):
    L, h, heads = m['layers'], m['hidden'], m['heads']
    kvh = m.get('kv_heads', heads)
    hd = m.get('head_dim', h // heads)
    f = m['intermediate']
    qn, kn, fn = h * heads * hd, h * kvh * hd, h * f
    is70b = L == 80 and kvh != heads
    bits = n = 0.0
    base = GGML_BITS[MIX_BASE[ftype]]
    for i in range(L):
        v, o, d = mix_types(ftype, i, L, heads // kvh, is70b)
        bits += (qn + kn) * base + kn * GGML_BITS[v] + qn * GGML_BITS[o] \
            + 2 * fn * base + fn * GGML_BITS[d]
        n += 2 * qn + 2 * kn + 3 * fn
    return bits / n


# ------------------------------------------------------------ main
QUANT_ALIASES = {'f16': 'fp16', 'bf16': 'bf16', 'f32': 'fp32'}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--catalog', default=os.path.join(ROOT, 'model', 'catalog'))
    ap.add_argument('--data', default=os.path.join(ROOT, 'data', 'benchmarks'))
    ap.add_argument('--tol', type=float, default=2.0)
    ap.add_argument('--simulate', action='store_true')
    a = ap.parse_args()
    try:
        models = load_cfg(os.path.join(a.catalog, 'models.cfg'))['models']
        qcfg = load_cfg(os.path.join(a.catalog, 'quant.cfg'))
        with open(os.path.join(a.data, 'measurements.csv')) as f:
            rows = [r for r in csv.DictReader(f) if r['metric'] == 'file_size_gb']
    except (OSError, ValueError, KeyError) as e:
        print('check_catalog_sizes: %s' % e, file=sys.stderr)
        return 2
    quants = {q['id']: q for q in qcfg['quant']}
    mods = {m['id']: m for m in models}
    ok = True

    # 4. string lengths (char arrays in arch.h / catalog.h, NUL included)
    limits = {'id': 64, 'name': 128, 'family': 32, 'source': 256}
    qlimits = {'id': 24, 'name': 64, 'family': 12, 'source': 256}
    for group, lim in ((models, limits), (qcfg['quant'], qlimits),
                       (qcfg['kv_dtypes'], {'id': 16, 'source': 256})):
        for e in group:
            for k, n in lim.items():
                if k not in e:
                    print('MISSING %s in %s' % (k, e.get('id')))
                    ok = False
                elif len(e[k]) >= n:
                    print('TOO LONG %s.%s: %d chars, field holds %d'
                          % (e['id'], k, len(e[k]), n - 1))
                    ok = False

    # 1. file sizes
    print('Weight size check (file_size_gb rows of measurements.csv)')
    print('%-12s %-8s %10s %10s %8s' % ('model', 'quant', 'measured', 'predicted', 'error'))
    for r in rows:
        mid = r['model'].lower()
        qid = r['quant'].lower()
        qid = QUANT_ALIASES.get(qid, qid)
        if mid not in mods or qid not in quants:
            print('%-12s %-8s %10s %10s   (not in catalog, skipped)'
                  % (r['model'], r['quant'], r['value'], '-'))
            continue
        scale = 2**30 if r['unit'].strip().lower() == 'gib' else 1e9
        meas = float(r['value'])
        pred = weight_bytes(mods[mid], quants[qid]) / scale
        err = 100.0 * (pred - meas) / meas
        flag = '' if abs(err) <= a.tol else '  <-- over %.1f %%' % a.tol
        ok = ok and abs(err) <= a.tol
        print('%-12s %-8s %7.2f %-3s %7.2f %-3s %+7.2f%%%s'
              % (r['model'], r['quant'], meas, r['unit'], pred, r['unit'], err, flag))

    # 2. parameter counts
    print('\nParameter count: derived from dims vs stated params_b')
    for m in models:
        p = params(m)
        if not m.get('params_b'):
            print('%-16s no params_b' % m['id'])
            continue
        d = 100.0 * (p['total'] / 1e9 - m['params_b']) / m['params_b']
        line = '%-16s derived %8.3f B  stated %8.3f B  %+6.2f%%' % (
            m['id'], p['total'] / 1e9, m['params_b'], d)
        if m.get('active_params_b'):
            da = 100.0 * (p['active'] / 1e9 - m['active_params_b']) / m['active_params_b']
            line += '   active %7.3f vs %6.2f  %+6.2f%%' % (
                p['active'] / 1e9, m['active_params_b'], da)
        if abs(d) > 3.0:
            line += '  <-- check'
        print(line)

    # 3. encoder FLOPs
    print('\nEncoder forward GFLOPs (2 x MACs of the transformer body)')
    for m in models:
        if m.get('kind') == 'encoder' and m.get('layers'):
            print('%-16s derived %7.1f  stated %7.1f' % (
                m['id'], encoder_gflops(m), m.get('gflops_per_input', 0.0)))

    if a.simulate:
        shapes = [i for i in ('llama-2-7b', 'llama-3-8b', 'llama-3-70b',
                              'mistral-7b-v0.1', 'qwen2.5-7b', 'qwen2.5-72b') if i in mods]
        print('\nEffective body bits of llama.cpp mixes (simulated)')
        print('%-8s %7s ' % ('mix', 'catalog') + ' '.join('%11s' % s[:11] for s in shapes))
        for ft in MIX_BASE:
            cat = quants.get(ft, {}).get('bits_per_weight', float('nan'))
            print('%-8s %7.4f ' % (ft, cat) + ' '.join(
                '%11.4f' % mix_body_bits(mods[s], ft) for s in shapes))

    print('\nRESULT: %s' % ('ok' if ok else 'FAILED'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
