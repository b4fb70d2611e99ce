# Instruction vectors for the #VC decoder (guest/sev/sev-insn.c).
# Each instruction carries the decode the test expects after '#';
# gen-vc-insns assembles this file with GNU as (--64) and writes the
# real bytes next to the expectations into vc-insns.tsv.
# Keys: op, len, size (access bytes), rsize (register bytes), reg,
# high8, port (imm8) or dx, base, index, scale, disp, rip, imm, asize,
# err (decode|unsupported: must be refused).
	.text
	.code64
# --- port I/O, every form (APM vol. 3: IN, OUT) ---
	in $0x60, %al			# op=in size=1 port=0x60 len=2
	in $0x71, %ax			# op=in size=2 port=0x71 len=3
	in $0x71, %eax			# op=in size=4 port=0x71 len=2
	in %dx, %al			# op=in size=1 dx len=1
	in %dx, %ax			# op=in size=2 dx len=2
	in %dx, %eax			# op=in size=4 dx len=1
	out %al, $0xf4			# op=out size=1 port=0xf4 len=2
	out %ax, $0x80			# op=out size=2 port=0x80 len=3
	out %eax, $0x80			# op=out size=4 port=0x80 len=2
	out %al, %dx			# op=out size=1 dx len=1
	out %ax, %dx			# op=out size=2 dx len=2
	out %eax, %dx			# op=out size=4 dx len=1
	rex.W out %eax, %dx		# op=out size=4 dx len=2
# --- string I/O is refused ---
	insb				# err=unsupported
	insl				# err=unsupported
	outsb				# err=unsupported
	outsw				# err=unsupported
	rep outsb			# err=unsupported
	rep insl			# err=unsupported
# --- MOV to MMIO ---
	mov %al, (%rbx)			# op=store size=1 reg=rax base=rbx len=2
	mov %ah, (%rbx)			# op=store size=1 reg=rax high8 base=rbx len=2
	mov %sil, (%rbx)		# op=store size=1 reg=rsi base=rbx len=3
	mov %r9b, 0x10(%rdi)		# op=store size=1 reg=r9 base=rdi disp=16 len=4
	mov %ax, (%rdx)			# op=store size=2 reg=rax base=rdx len=3
	mov %ecx, 0x30(%rax)		# op=store size=4 reg=rcx base=rax disp=48 len=3
	mov %rcx, -8(%rbp)		# op=store size=8 reg=rcx base=rbp disp=-8 len=4
	mov %r12d, 0x1000(%r13)		# op=store size=4 reg=r12 base=r13 disp=4096 len=7
	mov %eax, (%r12)		# op=store size=4 reg=rax base=r12 len=4
	mov %eax, (%rsp)		# op=store size=4 reg=rax base=rsp len=3
	mov %edx, 0x8(%rbx,%rcx,4)	# op=store size=4 reg=rdx base=rbx index=rcx scale=4 disp=8 len=4
	mov %rdx, (%rax,%r14,8)		# op=store size=8 reg=rdx base=rax index=r14 scale=8 len=4
	mov %eax, 0x1000		# op=store size=4 reg=rax disp=4096 len=7
	mov %eax, 0xfee00030		# op=store size=4 reg=rax disp=0xfee00030 len=9
	movabs 0xfee00020, %al		# op=load size=1 reg=rax disp=0xfee00020 len=9
	addr32 mov 0xfec00000, %eax	# op=load size=4 reg=rax disp=0xfec00000 asize=4 len=6
	mov %eax, 0x100(%rip)		# op=store size=4 reg=rax rip disp=256 len=6
	mov %ebx, 0x4(%r13,%r13,2)	# op=store size=4 reg=rbx base=r13 index=r13 scale=2 disp=4 len=5
	mov %eax, (%ebx)		# op=store size=4 reg=rax base=rbx asize=4 len=3
	movb $0x5a, (%rdi)		# op=storeimm size=1 base=rdi imm=0x5a len=3
	movw $0x1234, 2(%rdi)		# op=storeimm size=2 base=rdi disp=2 imm=0x1234 len=6
	movl $0xdeadbeef, (%rdi)	# op=storeimm size=4 base=rdi imm=0xdeadbeef len=6
	movq $-2, (%rdi)		# op=storeimm size=8 base=rdi imm=0xfffffffffffffffe len=7
	movl $1, 0x10(%rip)		# op=storeimm size=4 rip disp=16 imm=0x1 len=10
# --- MOV from MMIO ---
	mov (%rbx), %al			# op=load size=1 reg=rax base=rbx len=2
	mov (%rbx), %bh			# op=load size=1 reg=rbx high8 base=rbx len=2
	mov (%rbx), %dil		# op=load size=1 reg=rdi base=rbx len=3
	mov 0x4(%rsi), %cx		# op=load size=2 reg=rcx base=rsi disp=4 len=4
	mov (%rsi), %eax		# op=load size=4 reg=rax base=rsi len=2
	mov 0x18(%r8), %r10		# op=load size=8 reg=r10 base=r8 disp=24 len=4
	mov -0x20(%rip), %edx		# op=load size=4 reg=rdx rip disp=-32 len=6
	movzbl (%rdi), %eax		# op=movzx size=1 rsize=4 reg=rax base=rdi len=3
	movzwl 0x2(%rdi), %ecx		# op=movzx size=2 rsize=4 reg=rcx base=rdi disp=2 len=4
	movzbq (%r8), %r11		# op=movzx size=1 rsize=8 reg=r11 base=r8 len=4
	movzbw (%rdi), %ax		# op=movzx size=1 rsize=2 reg=rax base=rdi len=4
	movsbl (%rdi), %eax		# op=movsx size=1 rsize=4 reg=rax base=rdi len=3
	movswq (%rdi), %rax		# op=movsx size=2 rsize=8 reg=rax base=rdi len=4
# --- not MMIO moves ---
	mov %eax, %ebx			# op=store size=4 reg=rax nomem len=2
	lock addl $1, (%rax)		# err=unsupported
	add %eax, (%rbx)		# err=decode
	movsb				# err=decode
	push %rax			# err=decode
# --- the other exits ---
	cpuid				# op=cpuid len=2
	rdmsr				# op=rdmsr len=2
	wrmsr				# op=wrmsr len=2
	rdtsc				# op=rdtsc len=2
	rdtscp				# op=rdtscp len=3
	wbinvd				# op=wbinvd len=2
	vmmcall				# err=decode
	rdpmc				# err=decode
