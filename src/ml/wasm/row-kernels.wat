;; Row-against-row kernels for the speech models, with two float64 lanes (SIMD): squared distances
;; (libsvm's prediction kernel) and dot products plus a bias (logistic regression's decision
;; function). Each output is its own lane of its own accumulator, summed over the coordinates in
;; order with separate multiply and add (no fused multiply-add), exactly as the scalar JavaScript
;; loops did: the results are the same bits, two to four at a time.
;;
;; squaredDistances and dotProducts take A (rows of d float64, row-major; dotProductsF32 the same
;; rows as float32, widened exactly as they are loaded), the na row numbers of A to use (int32)
;; and B packed by packRows in row-kernels.ts: first the octets (8 rows of B interleaved
;; coordinate by coordinate: d x 8 float64 each), then the pairs (2 rows interleaved: d x 2), the
;; last pair padded with a zero row. init holds each output's starting value in the same order (8 * nOct + 2 * nPair
;; float64); out gets na rows of that many float64, one per listed row. The octets keep four
;; accumulators busy per row; the pairs have one each, so they are run for four rows at once (an
;; add waits for the one before it in its chain: four chains keep the adder busy).
;; In the dot-product kernels, exactly three pairs (six outputs: a six-class logistic regression's
;; scores) go two rows at a time with six accumulators, so each row's coordinate is loaded once for
;; all six. squaredDistances takes its rows in blocks of up to 16 against each octet of B.
(module
  (memory (export "memory") 1)

  ;; out[i][j] = init[j] + sum_k (A[rows[i]][k] - B[j][k])^2, k in order
  (func (export "squaredDistances")
    (param $A i32) (param $rows i32) (param $na i32) (param $B i32) (param $nOct i32) (param $nPair i32) (param $d i32)
    (param $init i32) (param $out i32)
    (local $i i32) (local $q i32) (local $a i32) (local $aEnd i32) (local $b i32) (local $ini i32)
    (local $o i32) (local $rowBytes i32) (local $rowAt i32) (local $outBytes i32) (local $pairsB i32) (local $pairsAt i32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $bv v128)
    (local $x v128) (local $e v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $i0 i32) (local $iEnd i32) (local $bq i32)
    (local.set $rowBytes (i32.shl (local.get $d) (i32.const 3)))
    ;; bytes of one output row, and where the pairs start in B, init and an output row
    (local.set $outBytes (i32.shl (i32.add (i32.shl (local.get $nOct) (i32.const 3)) (i32.shl (local.get $nPair) (i32.const 1))) (i32.const 3)))
    (local.set $pairsB (i32.add (local.get $B) (i32.mul (local.get $nOct) (i32.shl (local.get $rowBytes) (i32.const 3)))))
    (local.set $pairsAt (i32.shl (local.get $nOct) (i32.const 6)))
    ;; the octets: blocks of up to 16 rows (128 KiB of float64 rows, kept in cache) against one
    ;; octet of B (64 KiB) at a time, so each octet is read once per block, not once per row;
    ;; each row: four accumulators of two lanes
    (local.set $i0 (i32.const 0))
    (block $blocks_done
      (loop $each_block
        (br_if $blocks_done (i32.ge_u (local.get $i0) (local.get $na)))
        (local.set $iEnd (i32.add (local.get $i0) (i32.const 16)))
        (if (i32.gt_u (local.get $iEnd) (local.get $na)) (then (local.set $iEnd (local.get $na))))
        (local.set $q (i32.const 0))
        (block $octets_done
          (loop $each_octet
            (br_if $octets_done (i32.ge_u (local.get $q) (local.get $nOct)))
            (local.set $bq (i32.add (local.get $B) (i32.mul (local.get $q) (i32.shl (local.get $rowBytes) (i32.const 3)))))
            (local.set $ini (i32.add (local.get $init) (i32.shl (local.get $q) (i32.const 6))))
            (local.set $i (local.get $i0))
            (block $rows_done
              (loop $each_row
                (br_if $rows_done (i32.ge_u (local.get $i) (local.get $iEnd)))
                (local.set $rowAt
                  (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))) (local.get $rowBytes)))
                (local.set $o
                  (i32.add (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $outBytes))) (i32.shl (local.get $q) (i32.const 6))))
                (local.set $s0 (v128.load offset=0 (local.get $ini)))
                (local.set $s1 (v128.load offset=16 (local.get $ini)))
                (local.set $s2 (v128.load offset=32 (local.get $ini)))
                (local.set $s3 (v128.load offset=48 (local.get $ini)))
                (local.set $a (i32.add (local.get $A) (local.get $rowAt)))
                (local.set $aEnd (i32.add (local.get $a) (local.get $rowBytes)))
                (local.set $b (local.get $bq))
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
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $each_row)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $each_octet)))
        (local.set $i0 (local.get $iEnd))
        (br $each_block)))
    ;; the pairs, four rows at a time: four independent accumulators share each load of B
    (local.set $i (i32.const 0))
    (block $quads_done
      (loop $each_quad
        (br_if $quads_done (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $na)))
        (local.set $a (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $a1 (i32.add (local.get $A) (i32.mul (i32.load offset=4 (local.get $a)) (local.get $rowBytes))))
        (local.set $a2 (i32.add (local.get $A) (i32.mul (i32.load offset=8 (local.get $a)) (local.get $rowBytes))))
        (local.set $a3 (i32.add (local.get $A) (i32.mul (i32.load offset=12 (local.get $a)) (local.get $rowBytes))))
        (local.set $rowAt (i32.add (local.get $A) (i32.mul (i32.load (local.get $a)) (local.get $rowBytes))))
        (local.set $o (i32.add (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $outBytes))) (local.get $pairsAt)))
        (local.set $b (local.get $pairsB))
        (local.set $ini (i32.add (local.get $init) (local.get $pairsAt)))
        (local.set $q (i32.const 0))
        (block $pairs_done
          (loop $each_pair
            (br_if $pairs_done (i32.ge_u (local.get $q) (local.get $nPair)))
            (local.set $s0 (v128.load (local.get $ini)))
            (local.set $s1 (local.get $s0))
            (local.set $s2 (local.get $s0))
            (local.set $s3 (local.get $s0))
            (local.set $aEnd (local.get $rowBytes))
            (local.set $a (i32.const 0)) ;; byte offset into each row
            (block $k_done
              (loop $each_k
                (br_if $k_done (i32.ge_u (local.get $a) (local.get $aEnd)))
                (local.set $bv (v128.load (local.get $b)))
                (local.set $e (f64x2.sub (f64x2.splat (f64.load (i32.add (local.get $rowAt) (local.get $a)))) (local.get $bv)))
                (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $e) (local.get $e))))
                (local.set $e (f64x2.sub (f64x2.splat (f64.load (i32.add (local.get $a1) (local.get $a)))) (local.get $bv)))
                (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $e) (local.get $e))))
                (local.set $e (f64x2.sub (f64x2.splat (f64.load (i32.add (local.get $a2) (local.get $a)))) (local.get $bv)))
                (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (local.get $e) (local.get $e))))
                (local.set $e (f64x2.sub (f64x2.splat (f64.load (i32.add (local.get $a3) (local.get $a)))) (local.get $bv)))
                (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (local.get $e) (local.get $e))))
                (local.set $a (i32.add (local.get $a) (i32.const 8)))
                (local.set $b (i32.add (local.get $b) (i32.const 16)))
                (br $each_k)))
            (v128.store (local.get $o) (local.get $s0))
            (v128.store (i32.add (local.get $o) (local.get $outBytes)) (local.get $s1))
            (v128.store (i32.add (local.get $o) (i32.shl (local.get $outBytes) (i32.const 1))) (local.get $s2))
            (v128.store (i32.add (local.get $o) (i32.mul (local.get $outBytes) (i32.const 3))) (local.get $s3))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (local.set $ini (i32.add (local.get $ini) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $each_pair)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $each_quad)))
    ;; the pairs of the last rows (fewer than four), one row at a time
    (block $rest_done
      (loop $each_rest
        (br_if $rest_done (i32.ge_u (local.get $i) (local.get $na)))
        (local.set $rowAt
          (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))) (local.get $rowBytes)))
        (local.set $o (i32.add (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $outBytes))) (local.get $pairsAt)))
        (local.set $b (local.get $pairsB))
        (local.set $ini (i32.add (local.get $init) (local.get $pairsAt)))
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
        (br $each_rest))))

  ;; out[i][j] = init[j] + sum_k B[j][k] * A[rows[i]][k], k in order. Written once, assembled twice by
  ;; scripts/build-wasm.mjs: dotProducts with A as float64, dotProductsF32 with A as float32 (each value
  ;; widened to float64 as it is loaded: the same numbers, half the bytes to read from an A too large
  ;; for the caches). In the template A.load, A.bytes and A.shift stand for the load, the element's
  ;; bytes and its log2.
  ;; @template A=f64:dotProducts A=f32:dotProductsF32
  (func (export "@NAME")
    (param $A i32) (param $rows i32) (param $na i32) (param $B i32) (param $nOct i32) (param $nPair i32) (param $d i32)
    (param $init i32) (param $out i32)
    (local $i i32) (local $q i32) (local $a i32) (local $aEnd i32) (local $b i32) (local $ini i32)
    (local $o i32) (local $rowBytes i32) (local $aRow i32) (local $rowAt i32) (local $outBytes i32) (local $pairsB i32) (local $pairsAt i32)
    (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $bv v128)
    (local $x v128) (local $e v128) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $s4 v128) (local $s5 v128) (local $x1 v128) (local $pair1 i32) (local $pair2 i32)
    (local.set $rowBytes (i32.shl (local.get $d) (i32.const 3)))
    (local.set $aRow (i32.shl (local.get $d) (i32.const A.shift)))
    ;; bytes of one output row, and where the pairs start in B, init and an output row
    (local.set $outBytes (i32.shl (i32.add (i32.shl (local.get $nOct) (i32.const 3)) (i32.shl (local.get $nPair) (i32.const 1))) (i32.const 3)))
    (local.set $pairsB (i32.add (local.get $B) (i32.mul (local.get $nOct) (i32.shl (local.get $rowBytes) (i32.const 3)))))
    (local.set $pairsAt (i32.shl (local.get $nOct) (i32.const 6)))
    ;; the octets, one row at a time: four accumulators of two lanes
    (local.set $o (local.get $out))
    (local.set $i (i32.const 0))
    (block $rows_done
      (loop $each_row
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $na)))
        (local.set $rowAt
          (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))) (local.get $aRow)))
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
            (local.set $aEnd (i32.add (local.get $a) (local.get $aRow)))
            (block $k_done
              (loop $each_k
                (br_if $k_done (i32.ge_u (local.get $a) (local.get $aEnd)))
                (local.set $x (f64x2.splat (A.load (local.get $a))))
                (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (v128.load offset=0 (local.get $b)) (local.get $x))))
                (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (v128.load offset=16 (local.get $b)) (local.get $x))))
                (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (v128.load offset=32 (local.get $b)) (local.get $x))))
                (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (v128.load offset=48 (local.get $b)) (local.get $x))))
                (local.set $a (i32.add (local.get $a) (i32.const A.bytes)))
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
        (local.set $o (i32.add (local.get $o) (i32.shl (local.get $nPair) (i32.const 4))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each_row)))
    ;; three pairs (six outputs, as a six-class logistic regression has): two rows at a time, six
    ;; accumulators; each load of B serves both rows and each coordinate of a row all three pairs
    (local.set $i (i32.const 0))
    (if (i32.eq (local.get $nPair) (i32.const 3))
      (then
        (local.set $pair1 (i32.shl (local.get $d) (i32.const 4))) ;; bytes of one packed pair (d x 2 float64)
        (local.set $pair2 (i32.shl (local.get $d) (i32.const 5)))
        (block $twos_done
          (loop $each_two
            (br_if $twos_done (i32.gt_u (i32.add (local.get $i) (i32.const 2)) (local.get $na)))
            (local.set $a (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2))))
            (local.set $rowAt (i32.add (local.get $A) (i32.mul (i32.load (local.get $a)) (local.get $aRow))))
            (local.set $a1 (i32.add (local.get $A) (i32.mul (i32.load offset=4 (local.get $a)) (local.get $aRow))))
            (local.set $ini (i32.add (local.get $init) (local.get $pairsAt)))
            (local.set $s0 (v128.load offset=0 (local.get $ini)))
            (local.set $s1 (v128.load offset=16 (local.get $ini)))
            (local.set $s2 (v128.load offset=32 (local.get $ini)))
            (local.set $s3 (local.get $s0))
            (local.set $s4 (local.get $s1))
            (local.set $s5 (local.get $s2))
            (local.set $b (local.get $pairsB))
            (local.set $a (i32.const 0)) ;; byte offset into each row
            (block $k_done
              (loop $each_k
                (br_if $k_done (i32.ge_u (local.get $a) (local.get $aRow)))
                (local.set $x (f64x2.splat (A.load (i32.add (local.get $rowAt) (local.get $a)))))
                (local.set $x1 (f64x2.splat (A.load (i32.add (local.get $a1) (local.get $a)))))
                (local.set $bv (v128.load (local.get $b)))
                (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $bv) (local.get $x))))
                (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (local.get $bv) (local.get $x1))))
                (local.set $bv (v128.load (i32.add (local.get $b) (local.get $pair1))))
                (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $bv) (local.get $x))))
                (local.set $s4 (f64x2.add (local.get $s4) (f64x2.mul (local.get $bv) (local.get $x1))))
                (local.set $bv (v128.load (i32.add (local.get $b) (local.get $pair2))))
                (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (local.get $bv) (local.get $x))))
                (local.set $s5 (f64x2.add (local.get $s5) (f64x2.mul (local.get $bv) (local.get $x1))))
                (local.set $a (i32.add (local.get $a) (i32.const A.bytes)))
                (local.set $b (i32.add (local.get $b) (i32.const 16)))
                (br $each_k)))
            (local.set $o (i32.add (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $outBytes))) (local.get $pairsAt)))
            (v128.store offset=0 (local.get $o) (local.get $s0))
            (v128.store offset=16 (local.get $o) (local.get $s1))
            (v128.store offset=32 (local.get $o) (local.get $s2))
            (local.set $o (i32.add (local.get $o) (local.get $outBytes)))
            (v128.store offset=0 (local.get $o) (local.get $s3))
            (v128.store offset=16 (local.get $o) (local.get $s4))
            (v128.store offset=32 (local.get $o) (local.get $s5))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $each_two)))))
    ;; other pair counts: four rows at a time, four independent accumulators share each load of B
    ;; (after the three-pair loop, fewer than four rows are left: none of this runs)
    (block $quads_done
      (loop $each_quad
        (br_if $quads_done (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $na)))
        (local.set $a (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $a1 (i32.add (local.get $A) (i32.mul (i32.load offset=4 (local.get $a)) (local.get $aRow))))
        (local.set $a2 (i32.add (local.get $A) (i32.mul (i32.load offset=8 (local.get $a)) (local.get $aRow))))
        (local.set $a3 (i32.add (local.get $A) (i32.mul (i32.load offset=12 (local.get $a)) (local.get $aRow))))
        (local.set $rowAt (i32.add (local.get $A) (i32.mul (i32.load (local.get $a)) (local.get $aRow))))
        (local.set $o (i32.add (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $outBytes))) (local.get $pairsAt)))
        (local.set $b (local.get $pairsB))
        (local.set $ini (i32.add (local.get $init) (local.get $pairsAt)))
        (local.set $q (i32.const 0))
        (block $pairs_done
          (loop $each_pair
            (br_if $pairs_done (i32.ge_u (local.get $q) (local.get $nPair)))
            (local.set $s0 (v128.load (local.get $ini)))
            (local.set $s1 (local.get $s0))
            (local.set $s2 (local.get $s0))
            (local.set $s3 (local.get $s0))
            (local.set $aEnd (local.get $aRow))
            (local.set $a (i32.const 0)) ;; byte offset into each row
            (block $k_done
              (loop $each_k
                (br_if $k_done (i32.ge_u (local.get $a) (local.get $aEnd)))
                (local.set $bv (v128.load (local.get $b)))
                (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $bv) (f64x2.splat (A.load (i32.add (local.get $rowAt) (local.get $a)))))))
                (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $bv) (f64x2.splat (A.load (i32.add (local.get $a1) (local.get $a)))))))
                (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (local.get $bv) (f64x2.splat (A.load (i32.add (local.get $a2) (local.get $a)))))))
                (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (local.get $bv) (f64x2.splat (A.load (i32.add (local.get $a3) (local.get $a)))))))
                (local.set $a (i32.add (local.get $a) (i32.const A.bytes)))
                (local.set $b (i32.add (local.get $b) (i32.const 16)))
                (br $each_k)))
            (v128.store (local.get $o) (local.get $s0))
            (v128.store (i32.add (local.get $o) (local.get $outBytes)) (local.get $s1))
            (v128.store (i32.add (local.get $o) (i32.shl (local.get $outBytes) (i32.const 1))) (local.get $s2))
            (v128.store (i32.add (local.get $o) (i32.mul (local.get $outBytes) (i32.const 3))) (local.get $s3))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (local.set $ini (i32.add (local.get $ini) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $each_pair)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $each_quad)))
    ;; the pairs of the last rows (fewer than four), one row at a time
    (block $rest_done
      (loop $each_rest
        (br_if $rest_done (i32.ge_u (local.get $i) (local.get $na)))
        (local.set $rowAt
          (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (local.get $i) (i32.const 2)))) (local.get $aRow)))
        (local.set $o (i32.add (i32.add (local.get $out) (i32.mul (local.get $i) (local.get $outBytes))) (local.get $pairsAt)))
        (local.set $b (local.get $pairsB))
        (local.set $ini (i32.add (local.get $init) (local.get $pairsAt)))
        (local.set $q (i32.const 0))
        (block $pairs_done
          (loop $each_pair
            (br_if $pairs_done (i32.ge_u (local.get $q) (local.get $nPair)))
            (local.set $s0 (v128.load (local.get $ini)))
            (local.set $a (i32.add (local.get $A) (local.get $rowAt)))
            (local.set $aEnd (i32.add (local.get $a) (local.get $aRow)))
            (block $k_done
              (loop $each_k
                (br_if $k_done (i32.ge_u (local.get $a) (local.get $aEnd)))
                (local.set $s0
                  (f64x2.add (local.get $s0) (f64x2.mul (v128.load (local.get $b)) (f64x2.splat (A.load (local.get $a))))))
                (local.set $a (i32.add (local.get $a) (i32.const A.bytes)))
                (local.set $b (i32.add (local.get $b) (i32.const 16)))
                (br $each_k)))
            (v128.store (local.get $o) (local.get $s0))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (local.set $ini (i32.add (local.get $ini) (i32.const 16)))
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (br $each_pair)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each_rest))))
  ;; @end-template
)
