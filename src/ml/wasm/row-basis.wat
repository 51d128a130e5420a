;; The orthonormal row basis of logistic regression's small-sample path (ml/logistic-regression.ts):
;; modified Gram-Schmidt applied twice, rows taken in order, a row (nearly) in the span of the
;; earlier ones skipped. The same operations in the same order as the scalar loop it replaces
;; (separate multiply and subtract, every dot product summed over the features in order, one lane
;; after the other), so the bits are the same. Two features per SIMD step do the elementwise work
;; (the projection's subtraction and the products); each sum stays one chain of scalar adds.
;;
;; Memory (byte offsets, float64): X (n rows of d), Q (room for n rows of d; its first r rows are
;; the basis so far), v (d: the row being orthogonalised).
(module
  (memory (export "memory") 1)

  ;; Rows start..n-1 of X added to the basis Q of r rows; returns the new number of rows in Q.
  (func (export "extend")
    (param $X i32) (param $n i32) (param $d i32) (param $start i32) (param $Q i32) (param $r i32) (param $v i32)
    (result i32)
    (local $i i32) (local $j i32) (local $rowBytes i32) (local $evenBytes i32) (local $src i32) (local $s i32)
    (local $steps i32) (local $at i32) (local $nextAt i32) (local $dst i32)
    (local $norm0 f64) (local $next f64) (local $dot f64) (local $xj f64) (local $inv f64)
    (local $x v128) (local $p v128) (local $dotv v128)
    (local.set $rowBytes (i32.shl (local.get $d) (i32.const 3)))
    (local.set $evenBytes (i32.shl (i32.and (local.get $d) (i32.const -2)) (i32.const 3)))
    (local.set $i (local.get $start))
    (block $rows_done
      (loop $each_row
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $src (i32.add (local.get $X) (i32.mul (local.get $i) (local.get $rowBytes))))
        ;; v = the row; |v|^2 and, with a basis, v . Q_0 (with none, the next sum is the norm)
        (local.set $norm0 (f64.const 0))
        (local.set $next (f64.const 0))
        (local.set $j (i32.const 0))
        (block $copy_done
          (loop $each_copy
            (br_if $copy_done (i32.ge_u (local.get $j) (local.get $evenBytes)))
            (local.set $x (v128.load (i32.add (local.get $src) (local.get $j))))
            (v128.store (i32.add (local.get $v) (local.get $j)) (local.get $x))
            (local.set $p (f64x2.mul (local.get $x) (local.get $x)))
            (local.set $norm0 (f64.add (local.get $norm0) (f64x2.extract_lane 0 (local.get $p))))
            (local.set $norm0 (f64.add (local.get $norm0) (f64x2.extract_lane 1 (local.get $p))))
            (if (local.get $r)
              (then
                (local.set $p (f64x2.mul (local.get $x) (v128.load (i32.add (local.get $Q) (local.get $j)))))
                (local.set $next (f64.add (local.get $next) (f64x2.extract_lane 0 (local.get $p))))
                (local.set $next (f64.add (local.get $next) (f64x2.extract_lane 1 (local.get $p))))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $each_copy)))
        (if (i32.lt_u (local.get $j) (local.get $rowBytes))
          (then
            (local.set $xj (f64.load (i32.add (local.get $src) (local.get $j))))
            (f64.store (i32.add (local.get $v) (local.get $j)) (local.get $xj))
            (local.set $norm0 (f64.add (local.get $norm0) (f64.mul (local.get $xj) (local.get $xj))))
            (if (local.get $r)
              (then
                (local.set $next
                  (f64.add (local.get $next)
                    (f64.mul (local.get $xj) (f64.load (i32.add (local.get $Q) (local.get $j))))))))))
        (if (i32.eqz (local.get $r)) (then (local.set $next (local.get $norm0))))
        ;; 2r projections (two passes over Q_0..Q_r-1): step s subtracts Q_(s mod r) and sums the
        ;; dot product of the next step, or after the last step the squared norm
        (local.set $steps (i32.shl (local.get $r) (i32.const 1)))
        (local.set $s (i32.const 0))
        (block $steps_done
          (loop $each_step
            (br_if $steps_done (i32.ge_u (local.get $s) (local.get $steps)))
            (local.set $dot (local.get $next))
            (local.set $dotv (f64x2.splat (local.get $dot)))
            (local.set $at
              (i32.add (local.get $Q) (i32.mul (i32.rem_u (local.get $s) (local.get $r)) (local.get $rowBytes))))
            ;; the last step sums v . v: nextAt is v itself
            (local.set $nextAt (local.get $v))
            (if (i32.lt_u (i32.add (local.get $s) (i32.const 1)) (local.get $steps))
              (then
                (local.set $nextAt
                  (i32.add (local.get $Q)
                    (i32.mul (i32.rem_u (i32.add (local.get $s) (i32.const 1)) (local.get $r)) (local.get $rowBytes))))))
            (local.set $next (f64.const 0))
            (local.set $j (i32.const 0))
            (block $j_done
              (loop $each_j
                (br_if $j_done (i32.ge_u (local.get $j) (local.get $evenBytes)))
                (local.set $x
                  (f64x2.sub (v128.load (i32.add (local.get $v) (local.get $j)))
                    (f64x2.mul (local.get $dotv) (v128.load (i32.add (local.get $at) (local.get $j))))))
                (v128.store (i32.add (local.get $v) (local.get $j)) (local.get $x))
                (local.set $p (f64x2.mul (local.get $x) (v128.load (i32.add (local.get $nextAt) (local.get $j)))))
                (local.set $next (f64.add (local.get $next) (f64x2.extract_lane 0 (local.get $p))))
                (local.set $next (f64.add (local.get $next) (f64x2.extract_lane 1 (local.get $p))))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $each_j)))
            (if (i32.lt_u (local.get $j) (local.get $rowBytes))
              (then
                (local.set $xj
                  (f64.sub (f64.load (i32.add (local.get $v) (local.get $j)))
                    (f64.mul (local.get $dot) (f64.load (i32.add (local.get $at) (local.get $j))))))
                (f64.store (i32.add (local.get $v) (local.get $j)) (local.get $xj))
                (local.set $next
                  (f64.add (local.get $next)
                    (f64.mul (local.get $xj) (f64.load (i32.add (local.get $nextAt) (local.get $j))))))))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (br $each_step)))
        ;; a row (nearly) in the span of earlier rows adds no direction (a NaN norm is kept, as before)
        (if (i32.eqz
              (i32.or (f64.le (local.get $next) (f64.mul (f64.const 1e-20) (local.get $norm0)))
                (f64.eq (local.get $next) (f64.const 0))))
          (then
            (local.set $inv (f64.div (f64.const 1) (f64.sqrt (local.get $next))))
            (local.set $dotv (f64x2.splat (local.get $inv)))
            (local.set $dst (i32.add (local.get $Q) (i32.mul (local.get $r) (local.get $rowBytes))))
            (local.set $j (i32.const 0))
            (block $store_done
              (loop $each_store
                (br_if $store_done (i32.ge_u (local.get $j) (local.get $evenBytes)))
                (v128.store (i32.add (local.get $dst) (local.get $j))
                  (f64x2.mul (v128.load (i32.add (local.get $v) (local.get $j))) (local.get $dotv)))
                (local.set $j (i32.add (local.get $j) (i32.const 16)))
                (br $each_store)))
            (if (i32.lt_u (local.get $j) (local.get $rowBytes))
              (then
                (f64.store (i32.add (local.get $dst) (local.get $j))
                  (f64.mul (f64.load (i32.add (local.get $v) (local.get $j))) (local.get $inv)))))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each_row)))
    (local.get $r))
)
