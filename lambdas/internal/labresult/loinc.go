package labresult

import (
	"strconv"
	"strings"
)

// loincCheckDigitOK verifies the LOINC Mod 10 check digit: the digits in odd
// positions counted from the right form a number that is doubled; the
// digits of that product and of the even-position digits are summed; the
// check digit brings the sum to the next multiple of ten.
func loincCheckDigitOK(code string) bool {
	if !looksLikeLOINC(code) {
		return false
	}
	body, check := code[:len(code)-2], code[len(code)-1]
	var odd, even strings.Builder
	for i := len(body) - 1; i >= 0; i-- {
		if (len(body)-1-i)%2 == 0 {
			odd.WriteByte(body[i])
		} else {
			even.WriteByte(body[i])
		}
	}
	n, err := strconv.Atoi(reverse(odd.String()))
	if err != nil {
		return false
	}
	sum := 0
	for _, c := range strconv.Itoa(2*n) + even.String() {
		sum += int(c - '0')
	}
	return byte('0'+(10-sum%10)%10) == check
}

func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}
