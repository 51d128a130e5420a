;; The loss and gradient of binary logistic regression (src/ml/logistic-regression.ts), for
;; L-BFGS. In WebAssembly because a fresh process would otherwise run it in V8's interpreter for
;; its first calls, where every floating-point operation allocates a heap number (hundreds of MB of
;; garbage for one vision fit). Every sum is formed with the same operations in the same order as
;; the JavaScript version it replaces, and exp/log1p are JavaScript's own Math functions
;; (imported), so the results are the same bits.
;;
;; objective(X, target, w, grad, n, d, l2) -> loss
;;   X: n rows of d float64 (row-major); target: n int32 (0 or 1); w: d weights then the
;;   intercept (float64); grad: d + 1 float64, written. Rows go four at a time: four dot products
;;   share each load of w, and each gradient entry takes the four rows' terms in row order.
(module
  (import "math" "exp" (func $exp (param f64) (result f64)))
  (import "math" "log1p" (func $log1p (param f64) (result f64)))
  (memory (export "memory") 1)

  ;; log(1 + exp(r)) - t r, computed stably
  (func $row_loss (param $r f64) (param $t f64) (result f64)
    (f64.sub
      (if (result f64) (f64.gt (local.get $r) (f64.const 0))
        (then (f64.add (local.get $r) (call $log1p (call $exp (f64.neg (local.get $r))))))
        (else (call $log1p (call $exp (local.get $r)))))
      (f64.mul (local.get $t) (local.get $r))))

  ;; sigmoid(r) - t, computed stably
  (func $row_gradient (param $r f64) (param $t f64) (result f64)
    (f64.sub
      (if (result f64) (f64.ge (local.get $r) (f64.const 0))
        (then (f64.div (f64.const 1) (f64.add (f64.const 1) (call $exp (f64.neg (local.get $r))))))
        (else (f64.div (call $exp (local.get $r)) (f64.add (f64.const 1) (call $exp (local.get $r))))))
      (local.get $t)))

  (func (export "objective")
    (param $X i32) (param $target i32) (param $w i32) (param $grad i32) (param $n i32) (param $d i32)
    (param $l2 f64)
    (result f64)
    (local $loss f64) (local $b f64) (local $i i32) (local $j i32) (local $end i32) (local $row i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $r0 f64) (local $r1 f64) (local $r2 f64) (local $r3 f64)
    (local $t0 f64) (local $t1 f64) (local $t2 f64) (local $t3 f64)
    (local $g0 f64) (local $g1 f64) (local $g2 f64) (local $g3 f64)
    (local $wj f64) (local $gd i32)
    ;; row length in bytes; grad.fill(0); the intercept
    (local.set $row (i32.shl (local.get $d) (i32.const 3)))
    (local.set $gd (i32.add (local.get $grad) (local.get $row)))
    (memory.fill (local.get $grad) (i32.const 0) (i32.add (local.get $row) (i32.const 8)))
    (local.set $b (f64.load (i32.add (local.get $w) (local.get $row))))
    (local.set $loss (f64.const 0))
    (local.set $i (i32.const 0))
    (block $blocks_done
      (loop $each_block
        (br_if $blocks_done (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
        (local.set $x0 (i32.add (local.get $X) (i32.mul (local.get $i) (local.get $row))))
        (local.set $x1 (i32.add (local.get $x0) (local.get $row)))
        (local.set $x2 (i32.add (local.get $x1) (local.get $row)))
        (local.set $x3 (i32.add (local.get $x2) (local.get $row)))
        (local.set $r0 (local.get $b))
        (local.set $r1 (local.get $b))
        (local.set $r2 (local.get $b))
        (local.set $r3 (local.get $b))
        (local.set $j (i32.const 0))
        (block $dots_done
          (loop $each_j
            (br_if $dots_done (i32.ge_u (local.get $j) (local.get $row)))
            (local.set $wj (f64.load (i32.add (local.get $w) (local.get $j))))
            (local.set $r0 (f64.add (local.get $r0) (f64.mul (local.get $wj) (f64.load (i32.add (local.get $x0) (local.get $j))))))
            (local.set $r1 (f64.add (local.get $r1) (f64.mul (local.get $wj) (f64.load (i32.add (local.get $x1) (local.get $j))))))
            (local.set $r2 (f64.add (local.get $r2) (f64.mul (local.get $wj) (f64.load (i32.add (local.get $x2) (local.get $j))))))
            (local.set $r3 (f64.add (local.get $r3) (f64.mul (local.get $wj) (f64.load (i32.add (local.get $x3) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $each_j)))
        (local.set $t0 (f64.convert_i32_s (i32.load (i32.add (local.get $target) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $t1 (f64.convert_i32_s (i32.load offset=4 (i32.add (local.get $target) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $t2 (f64.convert_i32_s (i32.load offset=8 (i32.add (local.get $target) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $t3 (f64.convert_i32_s (i32.load offset=12 (i32.add (local.get $target) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $loss (f64.add (local.get $loss) (call $row_loss (local.get $r0) (local.get $t0))))
        (local.set $loss (f64.add (local.get $loss) (call $row_loss (local.get $r1) (local.get $t1))))
        (local.set $loss (f64.add (local.get $loss) (call $row_loss (local.get $r2) (local.get $t2))))
        (local.set $loss (f64.add (local.get $loss) (call $row_loss (local.get $r3) (local.get $t3))))
        (local.set $g0 (call $row_gradient (local.get $r0) (local.get $t0)))
        (local.set $g1 (call $row_gradient (local.get $r1) (local.get $t1)))
        (local.set $g2 (call $row_gradient (local.get $r2) (local.get $t2)))
        (local.set $g3 (call $row_gradient (local.get $r3) (local.get $t3)))
        ;; grad[j] = grad[j] + g0 x0j + g1 x1j + g2 x2j + g3 x3j, left to right
        (local.set $j (i32.const 0))
        (block $grads_done
          (loop $each_g
            (br_if $grads_done (i32.ge_u (local.get $j) (local.get $row)))
            (f64.store (i32.add (local.get $grad) (local.get $j))
              (f64.add
                (f64.add
                  (f64.add
                    (f64.add
                      (f64.load (i32.add (local.get $grad) (local.get $j)))
                      (f64.mul (local.get $g0) (f64.load (i32.add (local.get $x0) (local.get $j)))))
                    (f64.mul (local.get $g1) (f64.load (i32.add (local.get $x1) (local.get $j)))))
                  (f64.mul (local.get $g2) (f64.load (i32.add (local.get $x2) (local.get $j)))))
                (f64.mul (local.get $g3) (f64.load (i32.add (local.get $x3) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $each_g)))
        (f64.store (local.get $gd)
          (f64.add (f64.add (f64.add (f64.add (f64.load (local.get $gd)) (local.get $g0)) (local.get $g1)) (local.get $g2))
            (local.get $g3)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $each_block)))
    ;; the last rows, one at a time
    (block $rows_done
      (loop $each_row
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $x0 (i32.add (local.get $X) (i32.mul (local.get $i) (local.get $row))))
        (local.set $r0 (local.get $b))
        (local.set $j (i32.const 0))
        (block $dot_done
          (loop $each_j1
            (br_if $dot_done (i32.ge_u (local.get $j) (local.get $row)))
            (local.set $r0 (f64.add (local.get $r0)
              (f64.mul (f64.load (i32.add (local.get $w) (local.get $j))) (f64.load (i32.add (local.get $x0) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $each_j1)))
        (local.set $t0 (f64.convert_i32_s (i32.load (i32.add (local.get $target) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $loss (f64.add (local.get $loss) (call $row_loss (local.get $r0) (local.get $t0))))
        (local.set $g0 (call $row_gradient (local.get $r0) (local.get $t0)))
        (local.set $j (i32.const 0))
        (block $grad_done
          (loop $each_g1
            (br_if $grad_done (i32.ge_u (local.get $j) (local.get $row)))
            (f64.store (i32.add (local.get $grad) (local.get $j))
              (f64.add (f64.load (i32.add (local.get $grad) (local.get $j)))
                (f64.mul (local.get $g0) (f64.load (i32.add (local.get $x0) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $each_g1)))
        (f64.store (local.get $gd) (f64.add (f64.load (local.get $gd)) (local.get $g0)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each_row)))
    ;; the penalty: loss += 0.5 l2 w_j w_j, grad_j += l2 w_j
    (local.set $j (i32.const 0))
    (block $penalty_done
      (loop $each_p
        (br_if $penalty_done (i32.ge_u (local.get $j) (local.get $row)))
        (local.set $wj (f64.load (i32.add (local.get $w) (local.get $j))))
        (local.set $loss (f64.add (local.get $loss)
          (f64.mul (f64.mul (f64.mul (f64.const 0.5) (local.get $l2)) (local.get $wj)) (local.get $wj))))
        (f64.store (i32.add (local.get $grad) (local.get $j))
          (f64.add (f64.load (i32.add (local.get $grad) (local.get $j))) (f64.mul (local.get $l2) (local.get $wj))))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $each_p)))
    (local.get $loss))
)
