;; libsvm's pairwise coupling (multiclass_probability: Wu, Lin & Weng 2004, method 2) for two rows
;; at once, one per float64 lane: the same operations in the same order as the scalar loop in
;; ml/svm/platt.ts (separate multiply and add, divisions as divisions), so each lane gets the bits
;; the scalar loop gets. A lane that has converged keeps its p while the other lane iterates on.
;;
;; Memory, for pair q of rows: r at rAt + q * k*k*16, entry (i, j) of lane l at (i*k + j)*16 + l*8;
;; p out at pAt + q * k*16, lane-interleaved the same way; scratch: k*k*16 + 2 * k*16 bytes.
(module
  (memory (export "memory") 1)

  (func (export "couple")
    (param $k i32) (param $nPairs i32) (param $rAt i32) (param $pAt i32) (param $scratch i32)
    (param $maxIter i32) (param $eps f64) (param $invK f64)
    (local $q i32) (local $r i32) (local $p i32) (local $Q i32) (local $Qp i32) (local $old i32)
    (local $t i32) (local $j i32) (local $iter i32) (local $k16 i32) (local $kk16 i32) (local $row i32)
    (local $a v128) (local $acc v128) (local $pQp v128) (local $maxError v128) (local $error v128)
    (local $active v128) (local $diff v128) (local $onePlus v128) (local $Qtt v128) (local $Qpt v128)
    (local $epsv v128) (local $one v128) (local $two v128)
    (local.set $k16 (i32.shl (local.get $k) (i32.const 4)))
    (local.set $kk16 (i32.mul (local.get $k16) (local.get $k)))
    (local.set $Q (local.get $scratch))
    (local.set $Qp (i32.add (local.get $Q) (local.get $kk16)))
    (local.set $old (i32.add (local.get $Qp) (local.get $k16)))
    (local.set $epsv (f64x2.splat (local.get $eps)))
    (local.set $one (f64x2.splat (f64.const 1)))
    (local.set $two (f64x2.splat (f64.const 2)))
    (local.set $q (i32.const 0))
    (block $pairs_done
      (loop $each_pair
        (br_if $pairs_done (i32.ge_u (local.get $q) (local.get $nPairs)))
        (local.set $r (i32.add (local.get $rAt) (i32.mul (local.get $q) (local.get $kk16))))
        (local.set $p (i32.add (local.get $pAt) (i32.mul (local.get $q) (local.get $k16))))
        ;; p = 1/k; Q[t][t] = sum over j != t of r[j][t]^2, Q[t][j] = -r[j][t] r[t][j] (symmetric)
        (local.set $t (i32.const 0))
        (block $t_done
          (loop $each_t
            (br_if $t_done (i32.ge_u (local.get $t) (local.get $k)))
            (v128.store (i32.add (local.get $p) (i32.shl (local.get $t) (i32.const 4))) (f64x2.splat (local.get $invK)))
            (local.set $row (i32.mul (local.get $t) (local.get $k16)))
            (local.set $acc (f64x2.splat (f64.const 0)))
            (local.set $j (i32.const 0))
            (block $j_done
              (loop $each_j
                (br_if $j_done (i32.ge_u (local.get $j) (local.get $k)))
                (if (i32.ne (local.get $j) (local.get $t))
                  (then
                    ;; a = r[j][t]
                    (local.set $a (v128.load (i32.add (local.get $r)
                      (i32.add (i32.mul (local.get $j) (local.get $k16)) (i32.shl (local.get $t) (i32.const 4))))))
                    (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (local.get $a) (local.get $a))))
                    (if (i32.lt_u (local.get $j) (local.get $t))
                      (then ;; Q[t][j] = Q[j][t]
                        (v128.store (i32.add (local.get $Q) (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 4))))
                          (v128.load (i32.add (local.get $Q)
                            (i32.add (i32.mul (local.get $j) (local.get $k16)) (i32.shl (local.get $t) (i32.const 4)))))))
                      (else ;; Q[t][j] = -r[j][t] * r[t][j]
                        (v128.store (i32.add (local.get $Q) (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 4))))
                          (f64x2.mul (f64x2.neg (local.get $a))
                            (v128.load (i32.add (local.get $r) (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 4)))))))))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $each_j)))
            (v128.store (i32.add (local.get $Q) (i32.add (local.get $row) (i32.shl (local.get $t) (i32.const 4)))) (local.get $acc))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $each_t)))
        (local.set $active (v128.const i64x2 -1 -1))
        (local.set $iter (i32.const 0))
        (block $converged
          (loop $each_iter
            (br_if $converged (i32.ge_u (local.get $iter) (local.get $maxIter)))
            ;; Qp = Q p, pQp = p'Q p
            (local.set $pQp (f64x2.splat (f64.const 0)))
            (local.set $t (i32.const 0))
            (block $t_done
              (loop $each_t
                (br_if $t_done (i32.ge_u (local.get $t) (local.get $k)))
                (local.set $row (i32.add (local.get $Q) (i32.mul (local.get $t) (local.get $k16))))
                (local.set $acc (f64x2.splat (f64.const 0)))
                (local.set $j (i32.const 0))
                (block $j_done
                  (loop $each_j
                    (br_if $j_done (i32.ge_u (local.get $j) (local.get $k)))
                    (local.set $acc (f64x2.add (local.get $acc)
                      (f64x2.mul (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 4))))
                        (v128.load (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 4)))))))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))
                    (br $each_j)))
                (v128.store (i32.add (local.get $Qp) (i32.shl (local.get $t) (i32.const 4))) (local.get $acc))
                (local.set $pQp (f64x2.add (local.get $pQp)
                  (f64x2.mul (v128.load (i32.add (local.get $p) (i32.shl (local.get $t) (i32.const 4)))) (local.get $acc))))
                (local.set $t (i32.add (local.get $t) (i32.const 1)))
                (br $each_t)))
            ;; max |Qp[t] - pQp|, first maximum kept (as `if (error > maxError)`)
            (local.set $maxError (f64x2.splat (f64.const 0)))
            (local.set $t (i32.const 0))
            (block $t_done
              (loop $each_t
                (br_if $t_done (i32.ge_u (local.get $t) (local.get $k)))
                (local.set $error (f64x2.abs (f64x2.sub
                  (v128.load (i32.add (local.get $Qp) (i32.shl (local.get $t) (i32.const 4)))) (local.get $pQp))))
                (local.set $maxError (v128.bitselect (local.get $error) (local.get $maxError)
                  (f64x2.gt (local.get $error) (local.get $maxError))))
                (local.set $t (i32.add (local.get $t) (i32.const 1)))
                (br $each_t)))
            ;; a lane stops at its first maxError < eps, for good
            (local.set $active (v128.and (local.get $active)
              (v128.not (f64x2.lt (local.get $maxError) (local.get $epsv)))))
            (br_if $converged (i32.eqz (v128.any_true (local.get $active))))
            (memory.copy (local.get $old) (local.get $p) (local.get $k16))
            (local.set $t (i32.const 0))
            (block $t_done
              (loop $each_t
                (br_if $t_done (i32.ge_u (local.get $t) (local.get $k)))
                (local.set $row (i32.add (local.get $Q) (i32.mul (local.get $t) (local.get $k16))))
                (local.set $Qtt (v128.load (i32.add (local.get $row) (i32.shl (local.get $t) (i32.const 4)))))
                (local.set $Qpt (v128.load (i32.add (local.get $Qp) (i32.shl (local.get $t) (i32.const 4)))))
                (local.set $diff (f64x2.div (f64x2.add (f64x2.neg (local.get $Qpt)) (local.get $pQp)) (local.get $Qtt)))
                (v128.store (i32.add (local.get $p) (i32.shl (local.get $t) (i32.const 4)))
                  (f64x2.add (v128.load (i32.add (local.get $p) (i32.shl (local.get $t) (i32.const 4)))) (local.get $diff)))
                (local.set $onePlus (f64x2.add (local.get $one) (local.get $diff)))
                (local.set $pQp (f64x2.div (f64x2.div
                  (f64x2.add (local.get $pQp) (f64x2.mul (local.get $diff)
                    (f64x2.add (f64x2.mul (local.get $diff) (local.get $Qtt)) (f64x2.mul (local.get $two) (local.get $Qpt)))))
                  (local.get $onePlus)) (local.get $onePlus)))
                (local.set $j (i32.const 0))
                (block $j_done
                  (loop $each_j
                    (br_if $j_done (i32.ge_u (local.get $j) (local.get $k)))
                    (v128.store (i32.add (local.get $Qp) (i32.shl (local.get $j) (i32.const 4)))
                      (f64x2.div
                        (f64x2.add (v128.load (i32.add (local.get $Qp) (i32.shl (local.get $j) (i32.const 4))))
                          (f64x2.mul (local.get $diff) (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 4))))))
                        (local.get $onePlus)))
                    (v128.store (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 4)))
                      (f64x2.div (v128.load (i32.add (local.get $p) (i32.shl (local.get $j) (i32.const 4)))) (local.get $onePlus)))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))
                    (br $each_j)))
                (local.set $t (i32.add (local.get $t) (i32.const 1)))
                (br $each_t)))
            ;; a converged lane keeps the p it had
            (local.set $t (i32.const 0))
            (block $t_done
              (loop $each_t
                (br_if $t_done (i32.ge_u (local.get $t) (local.get $k)))
                (v128.store (i32.add (local.get $p) (i32.shl (local.get $t) (i32.const 4)))
                  (v128.bitselect (v128.load (i32.add (local.get $p) (i32.shl (local.get $t) (i32.const 4))))
                    (v128.load (i32.add (local.get $old) (i32.shl (local.get $t) (i32.const 4))))
                    (local.get $active)))
                (local.set $t (i32.add (local.get $t) (i32.const 1)))
                (br $each_t)))
            (local.set $iter (i32.add (local.get $iter) (i32.const 1)))
            (br $each_iter)))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $each_pair)))))
