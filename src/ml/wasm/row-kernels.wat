;; Row-against-row kernels for the speech models, with two float64 lanes (SIMD): squared distances
;; (libsvm's prediction kernel) and dot products plus a bias (logistic regression's decision
;; function). Each output is its own lane of its own accumulator, summed over the coordinates in
;; order with separate multiply and add (no fused multiply-add), exactly as the scalar JavaScript
;; loops did: the results are the same bits, two to four at a time.
;;
;; Both functions take A (rows of d float64, row-major), the na row numbers of A to use (int32)
;; and B packed by packRows in row-kernels.ts: first the octets (8 rows of B interleaved
;; coordinate by coordinate: d x 8 float64 each), then the pairs (2 rows interleaved: d x 2), the
;; last pair padded with a zero row. init holds each output's starting value in the same order (8 * nOct + 2 * nPair
;; float64); out gets na rows of that many float64, one per listed row.
(module
  (memory (export "memory") 1)

  ;; out[i][j] = init[j] + sum_k (A[rows[i]][k] - B[j][k])^2, k in order
  (func (export "squaredDistances")
    (param $A i32) (param $rows i32) (param $na i32) (param $B i32) (param $nOct i32) (param $nPair i32) (param $d i32)
    (param $init i32) (param $out i32)
    (local $i i32) (local $q i32) (local $a i32) (local $aEnd i32) (local $b i32) (local $ini i32)
    (local $o i32) (local $rowBytes i32) (local $rowAt i32)
    (local $x v128) (local $e v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $rowBytes (i32.shl (local.get $d) (i32.const 3)))
    (local.set $o (local.get $out))
    (local.set $i (i32.const 0))
    (block $rows_done
      (loop $each_row
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $na)))
        (local.set $rowAt
          (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))) (local.get $rowBytes)))
        (local.set $b (local.get $B))
        (local.set $ini (local.get $init))
        (local.set $q (i32.const 0))
        (block $octets_done
          (loop $each_octet
            (br_if $octets_done (i32.ge_u (local.get $q) (local.get $nOct)))
            (local.set $s0 (v128.load offset=0 (local.get $ini)))
            (local.set $s1 (v128.load offset=16 (local.get $ini)))
            (local.set $s2 (v128.load offset=32 (local.get $ini)))
            (local.set $s3 (v128.load offset=48 (local.get $ini)))
            (local.set $a (i32.add (local.get $A) (local.get $rowAt)))
            (local.set $aEnd (i32.add (local.get $a) (local.get $rowBytes)))
            (block $k_done
              (loop $each_k
                (br_if $k_done (i32.ge_u (local.get $a) (local.get $aEnd)))
                (local.set $x (f64x2.splat (f64.load (local.get $a))))
                (local.set $e (f64x2.sub (local.get $x) (v128.load offset=0 (local.get $b))))
                (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $e) (local.get $e))))
                (local.set $e (f64x2.sub (local.get $x) (v128.load offset=16 (local.get $b))))
                (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $e) (local.get $e))))
                (local.set $e (f64x2.sub (local.get $x) (v128.load offset=32 (local.get $b))))
                (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (local.get $e) (local.get $e))))
                (local.set $e (f64x2.sub (local.get $x) (v128.load offset=48 (local.get $b))))
                (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (local.get $e) (local.get $e))))
                (local.set $a (i32.add (local.get $a) (i32.const 8)))
                (local.set $b (i32.add (local.get $b) (i32.const 64)))
                (br $each_k)))
            (v128.store offset=0 (local.get $o) (local.get $s0))
            (v128.store offset=16 (local.get $o) (local.get $s1))
            (v128.store offset=32 (local.get $o) (local.get $s2))
            (v128.store offset=48 (local.get $o) (local.get $s3))
            (local.set $o (i32.add (local.get $o) (i32.const 64)))
            (local.set $ini (i32.add (local.get $ini) (i32.const 64)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $each_octet)))
        (local.set $q (i32.const 0))
        (block $pairs_done
          (loop $each_pair
            (br_if $pairs_done (i32.ge_u (local.get $q) (local.get $nPair)))
            (local.set $s0 (v128.load (local.get $ini)))
            (local.set $a (i32.add (local.get $A) (local.get $rowAt)))
            (local.set $aEnd (i32.add (local.get $a) (local.get $rowBytes)))
            (block $k_done
              (loop $each_k
                (br_if $k_done (i32.ge_u (local.get $a) (local.get $aEnd)))
                (local.set $e (f64x2.sub (f64x2.splat (f64.load (local.get $a))) (v128.load (local.get $b))))
                (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $e) (local.get $e))))
                (local.set $a (i32.add (local.get $a) (i32.const 8)))
                (local.set $b (i32.add (local.get $b) (i32.const 16)))
                (br $each_k)))
            (v128.store (local.get $o) (local.get $s0))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (local.set $ini (i32.add (local.get $ini) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $each_pair)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each_row))))

  ;; out[i][j] = init[j] + sum_k B[j][k] * A[rows[i]][k], k in order
  (func (export "dotProducts")
    (param $A i32) (param $rows i32) (param $na i32) (param $B i32) (param $nOct i32) (param $nPair i32) (param $d i32)
    (param $init i32) (param $out i32)
    (local $i i32) (local $q i32) (local $a i32) (local $aEnd i32) (local $b i32) (local $ini i32)
    (local $o i32) (local $rowBytes i32) (local $rowAt i32)
    (local $x v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $rowBytes (i32.shl (local.get $d) (i32.const 3)))
    (local.set $o (local.get $out))
    (local.set $i (i32.const 0))
    (block $rows_done
      (loop $each_row
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $na)))
        (local.set $rowAt
          (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))) (local.get $rowBytes)))
        (local.set $b (local.get $B))
        (local.set $ini (local.get $init))
        (local.set $q (i32.const 0))
        (block $octets_done
          (loop $each_octet
            (br_if $octets_done (i32.ge_u (local.get $q) (local.get $nOct)))
            (local.set $s0 (v128.load offset=0 (local.get $ini)))
            (local.set $s1 (v128.load offset=16 (local.get $ini)))
            (local.set $s2 (v128.load offset=32 (local.get $ini)))
            (local.set $s3 (v128.load offset=48 (local.get $ini)))
            (local.set $a (i32.add (local.get $A) (local.get $rowAt)))
            (local.set $aEnd (i32.add (local.get $a) (local.get $rowBytes)))
            (block $k_done
              (loop $each_k
                (br_if $k_done (i32.ge_u (local.get $a) (local.get $aEnd)))
                (local.set $x (f64x2.splat (f64.load (local.get $a))))
                (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (v128.load offset=0 (local.get $b)) (local.get $x))))
                (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (v128.load offset=16 (local.get $b)) (local.get $x))))
                (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (v128.load offset=32 (local.get $b)) (local.get $x))))
                (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (v128.load offset=48 (local.get $b)) (local.get $x))))
                (local.set $a (i32.add (local.get $a) (i32.const 8)))
                (local.set $b (i32.add (local.get $b) (i32.const 64)))
                (br $each_k)))
            (v128.store offset=0 (local.get $o) (local.get $s0))
            (v128.store offset=16 (local.get $o) (local.get $s1))
            (v128.store offset=32 (local.get $o) (local.get $s2))
            (v128.store offset=48 (local.get $o) (local.get $s3))
            (local.set $o (i32.add (local.get $o) (i32.const 64)))
            (local.set $ini (i32.add (local.get $ini) (i32.const 64)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $each_octet)))
        (local.set $q (i32.const 0))
        (block $pairs_done
          (loop $each_pair
            (br_if $pairs_done (i32.ge_u (local.get $q) (local.get $nPair)))
            (local.set $s0 (v128.load (local.get $ini)))
            (local.set $a (i32.add (local.get $A) (local.get $rowAt)))
            (local.set $aEnd (i32.add (local.get $a) (local.get $rowBytes)))
            (block $k_done
              (loop $each_k
                (br_if $k_done (i32.ge_u (local.get $a) (local.get $aEnd)))
                (local.set $s0
                  (f64x2.add (local.get $s0) (f64x2.mul (v128.load (local.get $b)) (f64x2.splat (f64.load (local.get $a))))))
                (local.set $a (i32.add (local.get $a) (i32.const 8)))
                (local.set $b (i32.add (local.get $b) (i32.const 16)))
                (br $each_k)))
            (v128.store (local.get $o) (local.get $s0))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (local.set $ini (i32.add (local.get $ini) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $each_pair)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each_row)))))
