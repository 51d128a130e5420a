;; The inner loop of farthest point sampling (src/ml/fps.ts): bring one point's distance to the
;; chosen centers up to date. Written as WebAssembly text because JavaScript has no SIMD.
;;
;; catch_up(row, centers, dp, d, from, to, m, stop, factor) -> (m, t)
;;   row: the point, dp float32 values (d real ones, zero-padded to a multiple of 8);
;;   centers: dp float32 values each, one after another; m: the point's squared distance to its
;;   nearest center among those before `from`. For t = from, from+1, ... while t < to and m >= stop:
;;   a float32 SIMD distance `a` is computed first; only when a * factor < m (factor bounds the
;;   float32 rounding, so the exact distance might be below m) is the exact distance computed, as
;;   float64 (x - y)^2 summed over the d coordinates in order, exactly as the JavaScript and NumPy
;;   references do; m becomes the smaller. Returns the new m and the first center not compared.
(module
  (memory (export "memory") 1)
  (func (export "catch_up")
    (param $row i32) (param $centers i32) (param $dp i32) (param $d i32) (param $from i32) (param $to i32)
    (param $m f64) (param $stop f64) (param $factor f64)
    (result f64 i32)
    (local $bytes i32) (local $t i32) (local $c i32) (local $j i32) (local $end i32)
    (local $acc0 v128) (local $acc1 v128) (local $diff0 v128) (local $diff1 v128)
    (local $approx f64) (local $exact f64) (local $x f64)
    (local.set $bytes (i32.shl (local.get $dp) (i32.const 2)))
    (local.set $t (local.get $from))
    (block $done
      (loop $each_center
        (br_if $done (i32.ge_u (local.get $t) (local.get $to)))
        (br_if $done (f64.lt (local.get $m) (local.get $stop)))
        (local.set $c (i32.add (local.get $centers) (i32.mul (local.get $t) (local.get $bytes))))
        ;; float32 SIMD: two 4-lane accumulators, 8 coordinates a step
        (local.set $acc0 (v128.const f32x4 0 0 0 0))
        (local.set $acc1 (v128.const f32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $row_done
          (loop $each_8
            (br_if $row_done (i32.ge_u (local.get $j) (local.get $bytes)))
            (local.set $diff0 (f32x4.sub
              (v128.load (i32.add (local.get $row) (local.get $j)))
              (v128.load (i32.add (local.get $c) (local.get $j)))))
            (local.set $diff1 (f32x4.sub
              (v128.load offset=16 (i32.add (local.get $row) (local.get $j)))
              (v128.load offset=16 (i32.add (local.get $c) (local.get $j)))))
            (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $diff0) (local.get $diff0))))
            (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $diff1) (local.get $diff1))))
            (local.set $j (i32.add (local.get $j) (i32.const 32)))
            (br $each_8)))
        (local.set $acc0 (f32x4.add (local.get $acc0) (local.get $acc1)))
        (local.set $approx (f64.promote_f32
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $acc0)) (f32x4.extract_lane 1 (local.get $acc0)))
            (f32.add (f32x4.extract_lane 2 (local.get $acc0)) (f32x4.extract_lane 3 (local.get $acc0))))))
        ;; exact only if the approximation cannot rule the center out (NaN and infinity included)
        (if (i32.or
              (i32.eqz (f64.ge (f64.mul (local.get $approx) (local.get $factor)) (local.get $m)))
              (f64.eq (local.get $approx) (f64.const inf)))
          (then
            (local.set $exact (f64.const 0))
            (local.set $j (i32.const 0))
            (local.set $end (i32.shl (local.get $d) (i32.const 2)))
            (block $exact_done
              (loop $each_coordinate
                (br_if $exact_done (i32.ge_u (local.get $j) (local.get $end)))
                (local.set $x (f64.sub
                  (f64.promote_f32 (f32.load (i32.add (local.get $row) (local.get $j))))
                  (f64.promote_f32 (f32.load (i32.add (local.get $c) (local.get $j))))))
                (local.set $exact (f64.add (local.get $exact) (f64.mul (local.get $x) (local.get $x))))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $each_coordinate)))
            (if (f64.lt (local.get $exact) (local.get $m))
              (then (local.set $m (local.get $exact))))))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $each_center)))
    (local.get $m)
    (local.get $t))
)
