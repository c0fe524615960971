#!/usr/bin/env python3
"""random-gguf.py OUT.gguf -- a TinyLlama-1.1B-shaped GGUF (F16) with random
weights, for capturing real llama.cpp output without downloading a model
(scripts/capture-llamacpp.sh).  Shapes from TinyLlama-1.1B's config.json
(hidden 2048, 22 layers, FFN 5632, 32 heads, 4 KV heads, vocab 32000);
the tokenizer is a SentencePiece-style vocabulary with byte fallback so any
prompt tokenizes.  Needs python3-gguf and python3-numpy (Debian)."""
import sys
import numpy as np, gguf
V,H,L,F,NH,NKV = 32000,2048,22,5632,32,4
hd = H//NH
w = gguf.GGUFWriter(sys.argv[1], "llama")
w.add_name("tinyllama-1.1b-random")
w.add_context_length(2048); w.add_embedding_length(H); w.add_block_count(L)
w.add_feed_forward_length(F); w.add_head_count(NH); w.add_head_count_kv(NKV)
w.add_rope_dimension_count(hd); w.add_layer_norm_rms_eps(1e-5); w.add_rope_freq_base(10000.0)
w.add_file_type(1); w.add_vocab_size(V)
toks=["<unk>","<s>","</s>"]+["<0x%02X>"%i for i in range(256)]
toks += ["\u2581t%d"%i for i in range(V-len(toks))]
w.add_tokenizer_model("llama")
w.add_token_list(toks)
w.add_token_scores([0.0]*3+[0.0]*256+[-float(i) for i in range(V-259)])
w.add_token_types([2,3,3]+[6]*256+[1]*(V-259))
w.add_bos_token_id(1); w.add_eos_token_id(2); w.add_unk_token_id(0)
rng=np.random.default_rng(0)
def r(*s): return (rng.standard_normal(s,dtype=np.float32)*0.02).astype(np.float16)
w.add_tensor("token_embd.weight", r(V,H))
for i in range(L):
    p="blk.%d."%i
    w.add_tensor(p+"attn_norm.weight", np.ones(H,np.float32))
    w.add_tensor(p+"attn_q.weight", r(H,H)); w.add_tensor(p+"attn_k.weight", r(NKV*hd,H))
    w.add_tensor(p+"attn_v.weight", r(NKV*hd,H)); w.add_tensor(p+"attn_output.weight", r(H,H))
    w.add_tensor(p+"ffn_norm.weight", np.ones(H,np.float32))
    w.add_tensor(p+"ffn_gate.weight", r(F,H)); w.add_tensor(p+"ffn_up.weight", r(F,H)); w.add_tensor(p+"ffn_down.weight", r(H,F))
w.add_tensor("output_norm.weight", np.ones(H,np.float32))
w.add_tensor("output.weight", r(V,H))
w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
