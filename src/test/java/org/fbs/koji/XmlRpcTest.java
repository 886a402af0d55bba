package org.fbs.koji;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** XML-RPC as Koji's hub writes it (python's xmlrpc with allow_none, and koji's i8 for large sizes). */
class XmlRpcTest {

    @Test
    void aRequestCarriesTheMethodAndTypedParameters() {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("buildID", 3_000_000_000L);
        kwargs.put("arches", List.of("x86_64", "noarch"));
        kwargs.put("__starstar", true);

        assertThat(XmlRpc.request("listRPMs", List.of(kwargs, "a<b&c"))).isEqualTo("<?xml version=\"1.0\"?>\n"
            + "<methodCall><methodName>listRPMs</methodName><params><param><value><struct>"
            + "<member><name>buildID</name><value><i8>3000000000</i8></value></member>"
            + "<member><name>arches</name><value><array><data><value><string>x86_64</string></value>"
            + "<value><string>noarch</string></value></data></array></value></member>"
            + "<member><name>__starstar</name><value><boolean>1</boolean></value></member>"
            + "</struct></value></param><param><value><string>a&lt;b&amp;c</string></value></param>"
            + "</params></methodCall>\n");
    }

    @Test
    void everyValueTypeOfAnAnswerIsRead() throws Exception {
        Object value = XmlRpc.response(bytes("""
            <?xml version='1.0'?>
            <methodResponse><params><param><value><struct>
            <member><name>id</name><value><int>2593111</int></value></member>
            <member><name>size</name><value><i8>5000000000</i8></value></member>
            <member><name>epoch</name><value><nil/></value></member>
            <member><name>draft</name><value><boolean>0</boolean></value></member>
            <member><name>ts</name><value><double>1729502808.604</double></value></member>
            <member><name>nvr</name><value><string>anaconda-41.35-1.fc41</string></value></member>
            <member><name>bare</name><value>untyped text</value></member>
            <member><name>list</name><value><array><data><value><i4>1</i4></value></data></array></value></member>
            <member><name>blob</name><value><base64>aGk=</base64></value></member>
            </struct></value></param></params></methodResponse>
            """));

        Map<?, ?> map = (Map<?, ?>) value;
        assertThat(map.get("id")).isEqualTo(2593111L);
        assertThat(map.get("size")).isEqualTo(5_000_000_000L);
        assertThat(map.containsKey("epoch")).isTrue();
        assertThat(map.get("epoch")).isNull();
        assertThat(map.get("draft")).isEqualTo(false);
        assertThat(map.get("ts")).isEqualTo(1729502808.604);
        assertThat(map.get("nvr")).isEqualTo("anaconda-41.35-1.fc41");
        assertThat(map.get("bare")).isEqualTo("untyped text");
        assertThat(map.get("list")).isEqualTo(List.of(1L));
        assertThat(Arrays.equals((byte[]) map.get("blob"), "hi".getBytes(StandardCharsets.US_ASCII))).isTrue();
    }

    @Test
    void aFaultBecomesAnExceptionWithTheHubsMessage() {
        assertThatThrownBy(() -> XmlRpc.response(bytes("""
            <?xml version='1.0'?>
            <methodResponse><fault><value><struct>
            <member><name>faultCode</name><value><int>1000</int></value></member>
            <member><name>faultString</name><value><string>invalid format: bad-nvr</string></value></member>
            </struct></value></fault></methodResponse>
            """)))
            .isInstanceOf(XmlRpc.Fault.class)
            .hasMessage("invalid format: bad-nvr (fault 1000)");
    }

    @Test
    void aDoctypeIsRefusedSoNoEntityCanReadALocalFile() {
        assertThatThrownBy(() -> XmlRpc.response(bytes("""
            <?xml version='1.0'?>
            <!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <methodResponse><params><param><value><string>&x;</string></value></param></params></methodResponse>
            """)))
            .isInstanceOf(IOException.class)
            .hasMessageStartingWith("unreadable XML-RPC answer");
    }

    @Test
    void somethingElseThanAnAnswerIsAnError() {
        assertThatThrownBy(() -> XmlRpc.response(bytes("<html><body>502 Bad Gateway</body></html>")))
            .isInstanceOf(IOException.class)
            .hasMessage("not an XML-RPC answer: <html>");
        assertThatThrownBy(() -> XmlRpc.response(bytes("<methodResponse><params/></methodResponse>")))
            .isInstanceOf(IOException.class)
            .hasMessage("malformed XML-RPC answer: <params> has no <param>");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
